using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// What both aggregate endpoints do before shaping: check the query, answer 304 when the client's copy is
/// current (ETag = data version + the request's query and media type), otherwise run the sums.
/// </summary>
internal static class AggregateExecution
{
    /// <summary>Dashboards revalidate on every use; the ETag makes an unchanged answer a cheap 304.</summary>
    public const string CacheControl = "no-cache";

    public static bool WantsCsv(AggregateRequest request) =>
        request.Accept?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true;

    public static async Task<(AggregateFilter? Filter, List<AggregateRow>? Rows, IResult? Early)> RunAsync(
        AggregateRequest request, ReportsDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        if (!AggregateFilter.TryParse(request, out var filter, out var error))
        {
            return (null, null, TypedResults.Problem(title: "Invalid query", detail: error.Detail, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["parameter"] = error.Parameter }));
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var version = await ReportChanges.CurrentAsync(connection, cancellationToken);
            var representation = context.Request.Path + context.Request.QueryString + (WantsCsv(request) ? "|csv" : "|json");
            var tag = $"\"{version}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(representation)))[..16]}\"";
            context.Response.Headers.ETag = tag;
            context.Response.Headers.CacheControl = CacheControl;
            var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch.Any(t => t.Tag.Equals(tag, StringComparison.Ordinal) || t == EntityTagHeaderValue.Any))
            {
                return (filter, null, TypedResults.StatusCode(StatusCodes.Status304NotModified));
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var rows = await AggregateQuery.RunAsync(connection, filter, cancellationToken);
            Infrastructure.Telemetry.AggregateDuration.Record(
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("endpoint", context.Request.Path.Value),
                new KeyValuePair<string, object?>("grain", AggregateQuery.GrainFor(filter)));
            return (filter, rows, null);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static ContentHttpResult Csv(string text) => TypedResults.Text(text, "text/csv; charset=utf-8", Encoding.UTF8);
}
