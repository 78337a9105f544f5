// @hey-api/openapi-ts: types and an SDK of one function per operation, on its fetch client, from the
// committed document. Relative imports carry ".js" so that Node's ESM loader runs the compiled output.
export default {
  input: "../../openapi/report-service.v1.json",
  output: { path: "src/generated/hey-api", importFileExtension: ".js" },
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
  logs: { file: false },
};
