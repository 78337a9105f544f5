using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ReportService.Api.Infrastructure.Endpoints;

namespace ReportService.Api.Features.Reports;

/// <summary>
/// If-Match on a report's revision, for every change that must name the revision it applies to (a correction,
/// a review): 428 without it, 400 when it is not an entity tag, 412 when it no longer names the current one.
/// </summary>
internal static class RevisionPreconditions
{
    /// <summary>The entity tags of If-Match, or the problem of a missing or malformed header.</summary>
    public static (IList<EntityTagHeaderValue> Tags, ProblemHttpResult? Problem) Read(HttpRequest request, Guid id, string change)
    {
        var (ifMatch, malformed) = EntityTags.Read(request, HeaderNames.IfMatch,
            "the ETag exactly as GET " + ReportRecords.Location(id) + " sent it, quotes included (for example \"3\")");
        if (malformed is not null)
        {
            return (ifMatch, malformed);
        }

        if (ifMatch.Count == 0)
        {
            return (ifMatch, TypedResults.Problem(
                title: "If-Match required",
                detail: $"A {change} must name the revision it applies to: send If-Match with the ETag of GET {ReportRecords.Location(id)}.",
                statusCode: StatusCodes.Status428PreconditionRequired));
        }

        return (ifMatch, null);
    }

    public static bool Matches(IList<EntityTagHeaderValue> ifMatch, int currentRevision) => EntityTags.Name(ifMatch, ReportRecords.ETag(currentRevision));

    /// <summary>The 412; <paramref name="retry"/> says what to do next ("apply your correction to it and retry").</summary>
    public static ProblemHttpResult Stale(int? current, string retry) => TypedResults.Problem(
        title: "The report has changed",
        detail: current is { } revision
            ? $"If-Match does not name the current revision ({ReportRecords.ETag(revision)}). Read the report again, {retry}."
            : $"Another correction was stored first. Read the report again, {retry}.",
        statusCode: StatusCodes.Status412PreconditionFailed);
}
