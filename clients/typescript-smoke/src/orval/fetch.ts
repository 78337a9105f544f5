// The fetch that orval's generated functions call (orval.config.mjs: override.mutator): the service's base
// URL and bearer token come from the environment, as an integrator's configuration would supply them.
// Orval's fetch client resolves to { data, status, headers } for every status, problems included.

export const orvalFetch = async <T>(url: string, init: RequestInit): Promise<T> => {
  const baseUrl = process.env["BASE_URL"] ?? "";
  const headers = new Headers(init.headers);
  const token = process.env["TOKEN"];
  if (token && !headers.has("Authorization")) {
    headers.set("Authorization", `Bearer ${token}`);
  }
  const response = await fetch(`${baseUrl}${url}`, { ...init, headers });
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  const data: unknown = text.length > 0 && /json/.test(type) ? JSON.parse(text) : text;
  return { data, status: response.status, headers: response.headers } as T;
};
