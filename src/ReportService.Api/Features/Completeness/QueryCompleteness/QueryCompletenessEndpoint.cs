using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Completeness.QueryCompleteness;

/// <summary>The query of <c>GET /v1/completeness</c>.</summary>
internal sealed class QueryCompletenessRequest : CompletenessFilters
{
    /// <summary>Dimensions to group by, comma-separated or repeated: province, city, county, township, level, kind, scope. None: one group.</summary>
    public string[]? GroupBy { get; init; }
}

/// <summary>Who has reported, per group.</summary>
public sealed class QueryCompletenessResponse
{
    /// <summary>The year asked for.</summary>
    public required int Year { get; init; }

    /// <summary>How timeliness is judged.</summary>
    public required string Timeliness { get; init; }

    /// <summary>One row per group, in the order of its key.</summary>
    public required IReadOnlyList<CompletenessGroupRow> Groups { get; init; }
}

/// <summary>The counts of one group of expected reporters.</summary>
public sealed class CompletenessGroupRow
{
    /// <summary>The group's values of the groupBy dimensions (region codes, level, kind, scope); empty without groupBy.</summary>
    public required IReadOnlyDictionary<string, string> Key { get; init; }

    /// <summary>Agencies that owe a report.</summary>
    public required int Expected { get; init; }

    /// <summary>Of them, those whose report is stored.</summary>
    public required int Reported { get; init; }

    /// <summary>Reported by the statutory deadline that applies to that agency (as REPORT.LATE computes it).</summary>
    public required int OnTime { get; init; }

    /// <summary>Reported after it.</summary>
    public required int Late { get; init; }

    /// <summary>Not reported.</summary>
    public required int Missing { get; init; }

    /// <summary>Reported ÷ expected (6 decimals).</summary>
    public required double ReportedRate { get; init; }

    /// <summary>On time ÷ expected (6 decimals).</summary>
    public required double OnTimeRate { get; init; }

    /// <summary>Reports without publishedOn, judged by when they were first submitted instead.</summary>
    public required int JudgedBySubmission { get; init; }
}

internal sealed class QueryCompletenessEndpoint(ReportsDbContext db, RegionDirectory regions, ExpectedReporters expected)
    : Endpoint<QueryCompletenessRequest, Results<Ok<QueryCompletenessResponse>, ProblemHttpResult>>
{
    private static readonly string[] Dimensions = ["province", "city", "county", "township", "level", "kind", "scope"];

    public const string Timeliness = "By publishedOn, or, for a report without one, by the day (UTC+8) it was first submitted; " +
        "against the statutory deadline of that agency's level and scope (REPORT.LATE).";

    public override void Configure()
    {
        Get("");
        Group<CompletenessGroup>();
        Description(b => b.WithName("QueryCompleteness")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Who has reported, on time or late, per region, level, kind and scope";
            s.Description = "For a year: per group, the agencies that owe a report, how many reported, on time and late, how many are missing, " +
                "and the rates. Expected are the governments of the division reference (every township, county, prefecture and province for its " +
                "own report, and from county level up for the region's report) and the departments and other bodies of the agencies register " +
                "in force that year (firstYear ≤ year ≤ lastYear, registered or learned from a report) for their own report, matched by credit code. " +
                "Fresh: a report or registration accepted by one request is counted by the next. GET /v1/completeness/missing lists who is missing.";
        });
    }

    public override async Task<Results<Ok<QueryCompletenessResponse>, ProblemHttpResult>> ExecuteAsync(QueryCompletenessRequest req, CancellationToken ct)
    {
        if (!req.TryParse(regions, out var of, out var problem))
        {
            return problem!;
        }

        var dimensions = (req.GroupBy ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (dimensions.FirstOrDefault(d => !Dimensions.Contains(d)) is { } unknown)
        {
            return QueryProblems.Invalid("groupBy", $"groupBy \"{unknown}\" is not one of {string.Join(", ", Dimensions)}.");
        }

        var states = await expected.StatesAsync(db, of, ct);
        var groups = states
            .GroupBy(s => string.Join('\u001f', dimensions.Select(d => KeyOf(s.Reporter, d) ?? "")))
            .Select(g =>
            {
                var first = g.First().Reporter;
                var (all, reported, onTime) = (g.Count(), g.Count(s => s.Reported), g.Count(s => s.OnTime));
                return new CompletenessGroupRow
                {
                    Key = dimensions.Select(d => (d, KeyOf(first, d))).Where(k => k.Item2 is not null).ToDictionary(k => k.d, k => k.Item2!),
                    Expected = all,
                    Reported = reported,
                    OnTime = onTime,
                    Late = reported - onTime,
                    Missing = all - reported,
                    ReportedRate = Math.Round((double)reported / all, 6),
                    OnTimeRate = Math.Round((double)onTime / all, 6),
                    JudgedBySubmission = g.Count(s => s.JudgedBySubmission),
                };
            })
            .OrderBy(g => string.Join('\u001f', dimensions.Select(d => g.Key.GetValueOrDefault(d, ""))), StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new QueryCompletenessResponse { Year = of.Year, Timeliness = Timeliness, Groups = groups });
    }

    /// <summary>A reporter's value of a dimension; null for a region level above the reporter's own (a county has no township).</summary>
    private static string? KeyOf(ExpectedReporter reporter, string dimension) => dimension switch
    {
        "province" => reporter.RegionCode[..2],
        "city" => reporter.RegionCode.Length >= 4 ? reporter.RegionCode[..4] : null,
        "county" => reporter.RegionCode.Length >= 6 ? reporter.RegionCode[..6] : null,
        "township" => reporter.RegionCode.Length == 9 ? reporter.RegionCode : null,
        "level" => ContractEnums.Name(reporter.Level),
        "kind" => ContractEnums.Name(reporter.Kind),
        _ => ContractEnums.Name(reporter.Scope),
    };
}
