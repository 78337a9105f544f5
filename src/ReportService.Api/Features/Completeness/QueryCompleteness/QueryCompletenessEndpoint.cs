using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;

namespace ReportService.Api.Features.Completeness.QueryCompleteness;

/// <summary>The query of <c>GET /v1/completeness</c>.</summary>
internal sealed class QueryCompletenessRequest : CompletenessFilters
{
    /// <summary>First year of a range (with toYear, instead of year; at most 10 years).</summary>
    public int? FromYear { get; init; }

    /// <summary>Last year of a range (with fromYear, instead of year).</summary>
    public int? ToYear { get; init; }

    /// <summary>Dimensions to group by, comma-separated or repeated: year, province, city, county, township, level, kind, scope. None: one group.</summary>
    public string[]? GroupBy { get; init; }
}

/// <summary>Who has reported, per group.</summary>
public sealed class QueryCompletenessResponse
{
    /// <summary>The year asked for, or the first year of fromYear…toYear.</summary>
    public required int Year { get; init; }

    /// <summary>The last year counted: the year asked for, or toYear.</summary>
    public required int ToYear { get; init; }

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

internal sealed class QueryCompletenessEndpoint(RegionDirectory regions, CompletenessIndex index)
    : Endpoint<QueryCompletenessRequest, Results<Ok<QueryCompletenessResponse>, ProblemHttpResult>>
{
    /// <summary>The groupBy dimensions (the OpenAPI document lists them as the parameter's enum).</summary>
    internal static readonly string[] Dimensions = ["year", "province", "city", "county", "township", "level", "kind", "scope"];

    /// <summary>The most years one request counts (each year is its own index, ADR 18).</summary>
    public const int MaxYears = 10;

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
            s.Description = "For a year (or fromYear…toYear, at most 10; without groupBy=year a group sums its reporters over the years): per group, the agencies that owe a report, how many reported, on time and late, how many are missing, " +
                "and the rates. Expected are the governments of the division reference (every township, county, prefecture and province for its " +
                "own report, and from county level up for the region's report) and the departments and other bodies of the agencies register " +
                "in force that year (firstYear ≤ year ≤ lastYear, registered or learned from a report) for their own report, matched by credit code. " +
                "Fresh: a report or registration accepted by one request is counted by the next. GET /v1/completeness/missing lists who is missing.";
        });
    }

    public override async Task<Results<Ok<QueryCompletenessResponse>, ProblemHttpResult>> ExecuteAsync(QueryCompletenessRequest req, CancellationToken ct)
    {
        if (!TryParseYears(req, out var firstYear, out var lastYear, out var yearProblem))
        {
            return yearProblem!;
        }

        if (!req.TryParse(regions, out var of, out var problem, firstYear))
        {
            return problem!;
        }

        var dimensions = (req.GroupBy ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (dimensions.FirstOrDefault(d => !Dimensions.Contains(d)) is { } unknown)
        {
            return QueryProblems.Invalid("groupBy", $"groupBy \"{unknown}\" is not one of {string.Join(", ", Dimensions)}.");
        }

        // The cells of the finest grain the groups or the region filter need: a reporter counts in its region cut to
        // that grain (or its own shorter code), which keeps every group's region values and the prefix test exact.
        var grain = dimensions.Select(d => d switch { "province" => 2, "city" => 4, "county" => 6, "township" => 9, _ => 2 })
            .Append(of.Prefix?.Length ?? 2).Max();
        var sums = new Dictionary<string, (Dictionary<string, string> Key, int Expected, int Reported, int OnTime, int BySubmission)>(StringComparer.Ordinal);
        for (var y = of.Year; y <= lastYear; y++)
        {
            var year = await index.ForAsync(y, ct);
            var yearText = y.ToString(System.Globalization.CultureInfo.InvariantCulture);
            year.VisitCells(grain, of with { Year = y }, (cell, expected, reported, onTime, bySubmission) =>
            {
                var values = dimensions.Select(d => d == "year" ? yearText : KeyOf(cell, d)).ToList();
                var text = string.Join('\u001f', values.Select(v => v ?? ""));
                if (!sums.TryGetValue(text, out var sum))
                {
                    var key = new Dictionary<string, string>(dimensions.Count);
                    for (var i = 0; i < dimensions.Count; i++)
                    {
                        if (values[i] is { } value)
                        {
                            key[dimensions[i]] = value;
                        }
                    }

                    sum = (key, 0, 0, 0, 0);
                }

                sums[text] = (sum.Key, sum.Expected + expected, sum.Reported + reported, sum.OnTime + onTime, sum.BySubmission + bySubmission);
            });
        }

        var groups = sums
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Value)
            .Select(g => new CompletenessGroupRow
            {
                Key = g.Key,
                Expected = g.Expected,
                Reported = g.Reported,
                OnTime = g.OnTime,
                Late = g.Reported - g.OnTime,
                Missing = g.Expected - g.Reported,
                ReportedRate = Math.Round((double)g.Reported / g.Expected, 6),
                OnTimeRate = Math.Round((double)g.OnTime / g.Expected, 6),
                JudgedBySubmission = g.BySubmission,
            })
            .ToList();
        return TypedResults.Ok(new QueryCompletenessResponse { Year = of.Year, ToYear = lastYear, Timeliness = Timeliness, Groups = groups });
    }

    /// <summary>
    /// The years asked for: year alone (checked with the other filters), or fromYear and toYear together (a range of at
    /// most <see cref="MaxYears"/>), or the 400 naming the parameter. <paramref name="first"/> is null for year alone.
    /// </summary>
    private static bool TryParseYears(QueryCompletenessRequest req, out int? first, out int last, out ProblemHttpResult? problem)
    {
        (first, last, problem) = (null, req.Year ?? 0, null);
        if (req.FromYear is null && req.ToYear is null)
        {
            return true;
        }

        if (req.Year is not null)
        {
            problem = QueryProblems.Invalid("year", "Give either year or fromYear/toYear, not both.");
        }
        else if (req.FromYear is not { } from || req.ToYear is not { } to)
        {
            problem = QueryProblems.Invalid(req.FromYear is null ? "fromYear" : "toYear", "fromYear and toYear go together: give both, or year alone.");
        }
        else if (from is < AggregateFilter.FirstYear or > AggregateFilter.LastYear || to is < AggregateFilter.FirstYear or > AggregateFilter.LastYear)
        {
            problem = QueryProblems.Invalid(from is < AggregateFilter.FirstYear or > AggregateFilter.LastYear ? "fromYear" : "toYear",
                $"fromYear and toYear must be report years from {AggregateFilter.FirstYear} to {AggregateFilter.LastYear}.");
        }
        else if (from > to)
        {
            problem = QueryProblems.Invalid("fromYear", "fromYear is after toYear.");
        }
        else if (to - from + 1 > MaxYears)
        {
            problem = QueryProblems.Invalid("toYear", $"At most {MaxYears} years at once; {from}–{to} is {to - from + 1}.");
        }
        else
        {
            (first, last) = (from, to);
        }

        return problem is null;
    }

    /// <summary>A cell's value of a dimension; null for a region level above the cell's own (a county has no township).</summary>
    private static string? KeyOf(CellKey cell, string dimension) => dimension switch
    {
        "province" => cell.Region[..2],
        "city" => cell.Region.Length >= 4 ? cell.Region[..4] : null,
        "county" => cell.Region.Length >= 6 ? cell.Region[..6] : null,
        "township" => cell.Region.Length == 9 ? cell.Region : null,
        "level" => ContractEnums.Name(cell.Level),
        "kind" => ContractEnums.Name(cell.Kind),
        _ => ContractEnums.Name(cell.Scope),
    };
}
