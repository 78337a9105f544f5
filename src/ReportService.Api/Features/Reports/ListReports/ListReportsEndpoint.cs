using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Reports.ListReports;

internal sealed class ListReportsEndpoint(ReportsDbContext db, Regions.RegionDirectory regions)
    : Endpoint<ListReportsRequest, Results<Ok<ListReportsResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("");
        Group<ReportsGroup>();
        Description(b => b.WithName("ListReports").RequirePolicy(AccessPolicies.ReadReports)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "List reports";
            s.Description = "Filters: year, region (code prefix), level, scope, creditCode. Cursor paging: pass nextCursor as cursor for the next page.";
        });
    }

    public override async Task<Results<Ok<ListReportsResponse>, ProblemHttpResult>> ExecuteAsync(ListReportsRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit ?? ListReportsRequest.DefaultLimit;
        if (limit is < 1 or > ListReportsRequest.MaxLimit)
        {
            return QueryProblems.Invalid("limit", $"limit must be between 1 and {ListReportsRequest.MaxLimit}.");
        }

        Guid? after = null;
        byte[]? cursorFilters = null;
        if (request.Cursor is { } cursor)
        {
            if (!Cursors.TryDecode(cursor, out var id, out cursorFilters))
            {
                return QueryProblems.Invalid("cursor", "cursor is not a nextCursor of this API.");
            }

            after = id;
        }

        string? regionPrefix = null;

        var query = db.Reports.AsNoTracking();
        if (request.Region is { } region)
        {
            if (!RegionCode.TryNormalize(region, out var prefix))
            {
                return QueryProblems.Invalid("region", "region must be a 2, 4, 6 or 9 digit region code.");
            }

            if (!regions.Exists(prefix))
            {
                return QueryProblems.Invalid("region", $"region {region} is not in the division reference (GET /v1/regions lists the codes).");
            }

            regionPrefix = prefix;
            query = query.Where(r => r.RegionCode.StartsWith(prefix));
        }

        if (request.Year is { } year)
        {
            query = query.Where(r => r.Year == year);
        }

        if (request.Level is { } levelText)
        {
            if (!ContractEnums.TryParse<AgencyLevel>(levelText, out var level))
            {
                return QueryProblems.Invalid("level", "level must be one of " + ContractEnums.Names<AgencyLevel>() + ".");
            }

            query = query.Where(r => r.Level == level);
        }

        if (request.Scope is { } scopeText)
        {
            if (!ContractEnums.TryParse<ReportScope>(scopeText, out var scope))
            {
                return QueryProblems.Invalid("scope", "scope must be one of " + ContractEnums.Names<ReportScope>() + ".");
            }

            query = query.Where(r => r.Scope == scope);
        }

        if (request.CreditCode is { } creditCode)
        {
            query = query.Where(r => r.CreditCode == creditCode);
        }

        var fingerprint = Cursors.Fingerprint(request, regionPrefix);
        if (cursorFilters is not null && !cursorFilters.AsSpan().SequenceEqual(fingerprint))
        {
            return QueryProblems.Invalid("cursor", "This cursor belongs to a list with other filters: send it with exactly the year, region, level, " +
                "scope and creditCode of the request that returned it (a cursor alone does not carry them).");
        }

        if (after is { } last)
        {
            query = query.Where(r => r.Id.CompareTo(last) > 0);
        }

        var page = await query.OrderBy(r => r.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = page.Take(limit).Select(r => new ListReportsItem
        {
            Id = r.Id,
            Href = ReportRecords.Location(r.Id),
            Revision = r.CurrentRevision,
            ReviewStatus = StoredReportReader.ReviewStatusOf(r.ReviewStatus),
            Format = r.Format,
            Year = r.Year,
            AgencyName = r.AgencyName,
            CreditCode = r.CreditCode,
            RegionCode = r.RegionCode,
            Level = r.Level,
            Kind = r.Kind,
            Scope = r.Scope,
            PublishedOn = r.PublishedOn,
            UpdatedAt = r.UpdatedAt,
        }).ToList();
        return TypedResults.Ok(new ListReportsResponse
        {
            Items = items,
            NextCursor = page.Count > limit ? Cursors.Encode(items[^1].Id, fingerprint) : null,
        });
    }

}

/// <summary>
/// Opaque cursors: the last id of a page and a fingerprint of the filters it was issued for, base64url. A cursor
/// sent with other filters (or with none, which would silently widen the list) is refused rather than followed.
/// </summary>
internal static class Cursors
{
    private const int FingerprintBytes = 8;

    /// <summary>The filters a page was asked with, normalised, as the fingerprint's input.</summary>
    public static byte[] Fingerprint(ListReportsRequest request, string? regionPrefix) =>
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\u001f',
            request.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", regionPrefix ?? "",
            request.Level ?? "", request.Scope ?? "", request.CreditCode ?? "")))[..FingerprintBytes];

    public static string Encode(Guid id, byte[] fingerprint) =>
        Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode([.. id.ToByteArray(bigEndian: true), .. fingerprint]);

    public static bool TryDecode(string cursor, out Guid id, out byte[] fingerprint)
    {
        id = Guid.Empty;
        fingerprint = [];
        try
        {
            var bytes = Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Decode(cursor);
            if (bytes.Length != 16 + FingerprintBytes)
            {
                return false;
            }

            id = new Guid(bytes.AsSpan(0, 16), bigEndian: true);
            fingerprint = bytes[16..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
