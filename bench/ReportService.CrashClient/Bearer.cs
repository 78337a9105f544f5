using System.Net.Http.Headers;

namespace ReportService.CrashClient;

/// <summary>The bearer token the scripts mint for the service under test (REPORT_SERVICE_TOKEN).</summary>
internal static class Bearer
{
    public static HttpClient Authorized(this HttpClient client)
    {
        if (Environment.GetEnvironmentVariable("REPORT_SERVICE_TOKEN") is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
