using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace ReportService.Api.Tests;

/// <summary>The calls the tests make, spelled once.</summary>
internal static class ReportClient
{
    public const string Reports = "/v1/reports";

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, JsonNode report, string? idempotencyKey = null, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Reports) { Content = Http.Json(report) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        return client.SendAsync(request);
    }

    public static async Task<Guid> SubmitAcceptedAsync(this HttpClient client, JsonNode report)
    {
        var response = await client.SubmitAsync(report);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return Guid.Parse((string)(await response.ReadObjectAsync())["id"]!);
    }

    public static Task<HttpResponseMessage> CorrectAsync(this HttpClient client, Guid id, JsonNode report, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"{Reports}/{id}") { Content = Http.Json(report) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return client.SendAsync(request, cancellationToken);
    }
}
