using ReportService.Api.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// What both aggregate endpoints do around shaping: check the query, answer 304 when the client's copy is
/// current (ETag = data version + the request's query and media type), otherwise the answer of that version,
/// cached (<see cref="AggregateAnswerCache"/>) or computed from the sums.
/// </summary>
internal static class AggregateExecution
{
    /// <summary>Dashboards revalidate on every use; the ETag makes an unchanged answer a cheap 304.</summary>
    public const string CacheControl = "no-cache";

    /// <summary>
    /// CSV when the Accept header prefers text/csv to application/json by its q-values (RFC 9110 §12.5.1): the
    /// most specific range that matches each type gives its q; on a tie the type named first wins, and a type
    /// named explicitly beats one reached only through a wildcard.
    /// </summary>
    public static bool WantsCsv(AggregateRequest request) => WantsCsv(request.Accept);

    /// <inheritdoc cref="WantsCsv(AggregateRequest)"/>
    public static bool WantsCsv(string? accept)
    {
        if (string.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var ranges))
        {
            return false;
        }

        var csv = Preference(ranges, "text", "csv");
        var json = Preference(ranges, "application", "json");
        return csv.Quality > 0 && (csv.Quality > json.Quality
            || (csv.Quality == json.Quality && (csv.Specificity > json.Specificity || (csv.Specificity == json.Specificity && csv.Position < json.Position))));
    }

    /// <summary>The language of a CSV answer's header row: English when the request prefers it, else Chinese.</summary>
    public static Statutory.Rules.MessageLanguage CsvLanguage(HttpRequest request) => Languages.Preferred(request);

    /// <summary>The representation an answer is cached and tagged under: JSON, or CSV with the language of its header row.</summary>
    private static string Representation(AggregateRequest request, HttpRequest http) =>
        !WantsCsv(request) ? "|json" : CsvLanguage(http) == Statutory.Rules.MessageLanguage.English ? "|csv-en" : "|csv";

    private static (double Quality, int Specificity, int Position) Preference(IList<MediaTypeHeaderValue> ranges, string type, string subtype)
    {
        (double Quality, int Specificity, int Position) best = (0, -1, int.MaxValue);
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            var specificity = range.MatchesAllTypes ? 0
                : !range.Type.Equals(type, StringComparison.OrdinalIgnoreCase) ? -1
                : range.MatchesAllSubTypes ? 1
                : range.SubType.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 2 : -1;
            if (specificity > best.Specificity)
            {
                best = (range.Quality ?? 1.0, specificity, i);
            }
        }

        return best;
    }

    /// <summary>
    /// Checks the query, answers 304 when the client's copy is current, otherwise the rendered answer of the
    /// current data: from <paramref name="cache"/> (kept, or brought forward by the changes since), or on a miss
    /// <paramref name="render"/> over the sums.
    /// </summary>
    public static async Task<IResult> AnswerAsync(
        AggregateRequest request, bool outcomes, ReportsDbContext db, HttpContext context, AggregateAnswerCache cache,
        Func<AggregateFilter, List<AggregateRow>, AggregateAnswer> render, CancellationToken cancellationToken)
    {
        if (!AggregateFilter.TryParse(request, context.RequestServices.GetRequiredService<Regions.RegionDirectory>(), outcomes, out var filter, out var error))
        {
            return QueryProblems.Invalid(error.Parameter, error.Detail);
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var open = false;
        try
        {
            // Before anything else, a sync that started after this request arrived: its snapshot holds every write
            // acknowledged before the request, its version makes the ETag (ADR 8), and the changes since the previous
            // sync bring cached answers forward (ADR 11). With a read replica it carries the primary's flushed WAL
            // position too: every write in the snapshot is visible on the replica once it has replayed it (ADR 12).
            var feed = context.RequestServices.GetRequiredService<AggregateChangeFeed>();
            var sync = await feed.SyncAsync(cancellationToken);
            var reads = context.RequestServices.GetRequiredService<AggregateReadSource>();
            var representation = context.Request.Path + context.Request.QueryString + Representation(request, context.Request);
            var tag = $"\"{sync.Version}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(representation)))[..16]}\"";
            context.Response.Headers.ETag = tag;
            context.Response.Headers.CacheControl = CacheControl;
            // The answer is chosen by Accept (JSON or CSV) and, for CSV, Accept-Language (its header row): caches must key on both (RFC 9110 §12.5.5).
            context.Response.Headers.Vary = "Accept, Accept-Language";
            if (WantsCsv(request))
            {
                context.Response.Headers.ContentLanguage = CsvLanguage(context.Request) == Statutory.Rules.MessageLanguage.English ? "en" : "zh";
            }
            var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch.Any(t => t.Tag.Equals(tag, StringComparison.Ordinal) || t == EntityTagHeaderValue.Any))
            {
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }

            var budget = context.RequestServices.GetRequiredService<ComputationBudget>();
            var client = RateLimits.ClientKey(context);
            var (answer, source) = await cache.GetOrComputeAsync(sync.Number, representation, (from, rows, rendered) =>
            {
                // Brought forward: the rows of the changes since, rendered again only when one of them touched this answer.
                if (feed.ChangesBetween(from, sync.Number) is not { } changes)
                {
                    return null;
                }

                var (forward, touched) = AggregateDeltas.Apply(rows, filter, changes);
                return new ComputedAnswer(touched ? render(filter, forward) : rendered, forward);
            }, async token =>
            {
                // Only a miss that runs the sums takes a place; a hit, a bring-forward or a wait for another request's sums does not.
                using var lease = await budget.EnterAsync(client, token);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                // With the cache the sums are made exact at the sync's snapshot, so that later changes can bring them forward.
                var snapshot = cache.Enabled ? sync.Snapshot : null;
                var result = await reads.TryOnReplicaAsync(sync.Position, replica => AggregateQuery.RunAtAsync(replica, filter, snapshot, token), token);
                if (result is null)
                {
                    await db.Database.OpenConnectionAsync(token);
                    open = true;
                    result = await AggregateQuery.RunAtAsync(connection, filter, snapshot, token);
                }

                Infrastructure.Telemetry.AggregateDuration.Record(
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("endpoint", context.Request.Path.Value),
                    new KeyValuePair<string, object?>("grain", AggregateQuery.GrainFor(filter)));
                if (open)
                {
                    await db.Database.CloseConnectionAsync();
                    open = false;
                }

                return new ComputedAnswer(render(filter, result.Rows), result.Rows, result.Exact);
            }, cancellationToken);
            System.Diagnostics.Activity.Current?.SetTag("reportservice.aggregate.cache", source switch
            {
                AnswerSource.Hit => "hit",
                AnswerSource.Forward => "forward",
                _ => "miss",
            });
            return new AnswerResult(answer);
        }
        catch (ComputationRefusedException refused)
        {
            return Refused(context, refused.Refusal);
        }
        finally
        {
            if (open)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>A computation the budget did not admit: 429 when the client runs its share already, else 503.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refused(HttpContext context, ComputationRefusal refusal)
    {
        context.Response.Headers.Remove(HeaderNames.ETag);
        context.Response.Headers.Remove(HeaderNames.CacheControl);
        context.Response.Headers.Remove(HeaderNames.ContentLanguage);
        context.Response.Headers.RetryAfter = "1";
        Infrastructure.Telemetry.AggregateComputationsRefused.Add(1, new KeyValuePair<string, object?>("reason", refusal == ComputationRefusal.ClientShare ? "client_share" : "busy"));
        return refusal == ComputationRefusal.ClientShare
            ? TypedResults.Problem(
                title: "Too many aggregate computations",
                detail: "This client already runs as many aggregate computations as it may at once. Answers already computed are still served; retry a new question after 1 s.",
                statusCode: StatusCodes.Status429TooManyRequests,
                type: "https://report-service/problems/computations-exhausted")
            : TypedResults.Problem(
                title: "Aggregate computations busy",
                detail: "Every place for aggregate computations is taken. Answers already computed are still served; retry after 1 s.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                type: "https://report-service/problems/computations-busy");
    }

    /// <summary>The JSON body as the framework would write it (the service's JSON options).</summary>
    public static AggregateAnswer Json<T>(T value, HttpContext context) => new(JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions(context)), JsonMediaType);

    public const string JsonMediaType = "application/json; charset=utf-8";

    /// <summary>The service's JSON options (those the framework writes results with).</summary>
    public static JsonSerializerOptions JsonOptions(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    public static AggregateAnswer Csv(string text) => new(Encoding.UTF8.GetBytes(text), "text/csv; charset=utf-8");

    /// <summary>Writes a rendered answer (200) with its length.</summary>
    private sealed class AnswerResult(AggregateAnswer answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = answer.ContentType;
            httpContext.Response.ContentLength = answer.Body.Length;
            return httpContext.Response.Body.WriteAsync(answer.Body, httpContext.RequestAborted).AsTask();
        }
    }
}
