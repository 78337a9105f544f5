using System.Text;
using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Agencies.ListAgencies;

/// <summary>Filters and paging of <c>GET /v1/agencies</c>.</summary>
internal sealed class ListAgenciesRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Region code prefix: agencies of this region and below (2, 4, 6 or 9 digits; 140000 forms accepted).</summary>
    public string? Region { get; init; }

    /// <summary>行政层级: national, province, city, county or township.</summary>
    public string? Level { get; init; }

    /// <summary>机关类型: department or other.</summary>
    public string? Kind { get; init; }

    /// <summary>Only agencies in force that year (firstYear ≤ year ≤ lastYear): those that owe its report.</summary>
    public int? Year { get; init; }

    /// <summary>register or report: only registered agencies, or only those learned from a report.</summary>
    public string? Source { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous page, sent with the same filters (other filters: 400).</summary>
    public string? Cursor { get; init; }

    /// <summary>Page size, 1 to 1000 (default 100).</summary>
    public int? Limit { get; init; }
}

/// <summary>A page of agencies, in credit code order.</summary>
public sealed class ListAgenciesResponse
{
    /// <summary>The agencies of this page.</summary>
    public required IReadOnlyList<AgencyResponse> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> (with the same filters) to get the next page; absent on the last page.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? NextCursor { get; init; }
}

internal sealed class ListAgenciesEndpoint(ReportsDbContext db, RegionDirectory regions)
    : Endpoint<ListAgenciesRequest, Results<Ok<ListAgenciesResponse>, ProblemHttpResult>>
{
    private const int FingerprintBytes = 8;

    public override void Configure()
    {
        Get("");
        Group<AgenciesGroup>();
        Description(b => b.WithName("ListAgencies").RequirePolicy(AccessPolicies.ReadPublicData)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "List the agencies that owe reports";
            s.Description = "The register of departments and other bodies (governments follow from the division reference and are not listed), " +
                "registered or learned from a report. Filters: region (code prefix), level, kind, year (in force that year), source. " +
                "Cursor paging in credit code order: pass nextCursor as cursor, with the same filters, for the next page.";
        });
    }

    public override async Task<Results<Ok<ListAgenciesResponse>, ProblemHttpResult>> ExecuteAsync(ListAgenciesRequest req, CancellationToken ct)
    {
        var limit = req.Limit ?? ListAgenciesRequest.DefaultLimit;
        if (limit is < 1 or > ListAgenciesRequest.MaxLimit)
        {
            return QueryProblems.Invalid("limit", $"limit must be between 1 and {ListAgenciesRequest.MaxLimit}.");
        }

        var query = db.Agencies.AsNoTracking();
        string? prefix = null;
        if (req.Region is { } region)
        {
            if (!RegionCode.TryNormalize(region, out var normalized) || !regions.Exists(normalized))
            {
                return QueryProblems.Invalid("region", $"region {(region.Length <= 40 ? region : region[..40] + "…")} is not a region code of the division reference (GET /v1/regions lists them).");
            }

            prefix = normalized;
            query = query.Where(a => a.RegionCode.StartsWith(normalized));
        }

        if (req.Level is { } levelText)
        {
            if (!ContractEnums.TryParse<AgencyLevel>(levelText, out var level))
            {
                return QueryProblems.Invalid("level", "level must be one of " + ContractEnums.Names<AgencyLevel>() + ".");
            }

            query = query.Where(a => a.Level == level);
        }

        if (req.Kind is { } kindText)
        {
            if (!ContractEnums.TryParse<AgencyKind>(kindText, out var kind))
            {
                return QueryProblems.Invalid("kind", "kind must be one of " + ContractEnums.Names<AgencyKind>() + " (only department and other are registered).");
            }

            query = query.Where(a => a.Kind == kind);
        }

        if (req.Year is { } year)
        {
            if (year < AggregateFilter.FirstYear || year > AggregateFilter.LastYear)
            {
                return QueryProblems.Invalid("year", $"year must be from {AggregateFilter.FirstYear} to {AggregateFilter.LastYear}.");
            }

            query = query.Where(a => a.FirstYear <= year && (a.LastYear == null || a.LastYear >= year));
        }

        if (req.Source is { } sourceText)
        {
            if (!ContractEnums.TryParse<AgencySource>(sourceText, out var source))
            {
                return QueryProblems.Invalid("source", "source must be one of " + ContractEnums.Names<AgencySource>() + ".");
            }

            var stored = source == AgencySource.Report ? AgencySources.Report : AgencySources.Register;
            query = query.Where(a => a.Source == stored);
        }

        var fingerprint = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
            prefix ?? "", req.Level ?? "", req.Kind ?? "", req.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", req.Source ?? "")))[..FingerprintBytes];
        if (req.Cursor is { } cursor)
        {
            if (!TryDecode(cursor, out var after, out var filters))
            {
                return QueryProblems.Invalid("cursor", "cursor is not a nextCursor of this list.");
            }

            if (!filters.AsSpan().SequenceEqual(fingerprint))
            {
                return QueryProblems.Invalid("cursor", "This cursor belongs to a list with other filters: send it with exactly the region, level, kind, year and source " +
                    "of the request that returned it.");
            }

            query = query.Where(a => string.Compare(a.CreditCode, after) > 0);
        }

        var page = await query.OrderBy(a => a.CreditCode).Take(limit + 1).ToListAsync(ct);
        var items = page.Take(limit).Select(AgencyRecords.Response).ToList();
        return TypedResults.Ok(new ListAgenciesResponse
        {
            Items = items,
            NextCursor = page.Count > limit ? Base64UrlTextEncoder.Encode([.. Encoding.ASCII.GetBytes(items[^1].CreditCode), .. fingerprint]) : null,
        });
    }

    private static bool TryDecode(string cursor, out string after, out byte[] fingerprint)
    {
        (after, fingerprint) = ("", []);
        try
        {
            var bytes = Base64UrlTextEncoder.Decode(cursor);
            if (bytes.Length != 18 + FingerprintBytes)
            {
                return false;
            }

            after = Encoding.ASCII.GetString(bytes, 0, 18);
            fingerprint = bytes[18..];
            return CreditCode.Check(after) == CreditCodeProblem.None;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
