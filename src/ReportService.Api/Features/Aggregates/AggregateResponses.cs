using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// The key of a group: only the dimensions asked for in groupBy appear. A region dimension is null for the
/// reports of agencies above that level (e.g. township for a county department).
/// </summary>
public sealed class AggregateKey
{
    /// <summary>报告年度.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Year { get; init; }

    /// <summary>省级区划代码 (2 digits).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Province { get; init; }

    /// <summary>省级名称.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ProvinceName { get; init; }

    /// <summary>地级区划代码 (4 digits).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? City { get; init; }

    /// <summary>地级名称.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CityName { get; init; }

    /// <summary>县级区划代码 (6 digits).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? County { get; init; }

    /// <summary>县级名称.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CountyName { get; init; }

    /// <summary>乡级区划代码 (9 digits).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Township { get; init; }

    /// <summary>乡级名称.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TownshipName { get; init; }

    /// <summary>行政层级 of the agencies.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Level { get; init; }

    /// <summary>机关类型 of the agencies.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }
}

/// <summary>Reports summed in a group, by format.</summary>
public sealed class AggregateFormatCounts
{
    /// <summary>Reports in format 2019.</summary>
    [JsonPropertyName("2019")]
    public required long Format2019 { get; init; }

    /// <summary>Reports in format 2021.</summary>
    [JsonPropertyName("2021")]
    public required long Format2021 { get; init; }
}

/// <summary>One group of sums.</summary>
public sealed class AggregateGroup
{
    /// <summary>The group's key.</summary>
    public required AggregateKey Key { get; init; }

    /// <summary>Accepted reports summed (their current revisions).</summary>
    public required long ReportCount { get; init; }

    /// <summary>Reports summed, by format.</summary>
    public required AggregateFormatCounts Formats { get; init; }

    /// <summary>Table 2 per format present (keys "2019", "2021"), each in that format's shape; never summed across formats.</summary>
    public required JsonObject ActiveDisclosure { get; init; }

    /// <summary>Table 3 in the 2021 shape (applicant objects of seven counts). The 2019 （六）其他处理 row counts only in subtotals.otherDisposal.</summary>
    public required JsonObject Requests { get; init; }

    /// <summary>Derived subtotals of （三）不予公开, （四）无法提供, （五）不予处理, （六）其他处理, each an applicant object.</summary>
    public required JsonObject Subtotals { get; init; }

    /// <summary>Table 4: reconsideration, litigationDirect, litigationAfterReconsideration.</summary>
    public required JsonObject Appeals { get; init; }
}

/// <summary>Sums of accepted reports.</summary>
public sealed class QueryAggregatesResponse
{
    /// <summary>The groups, ordered by their key; one group without a key when groupBy is empty.</summary>
    public required IReadOnlyList<AggregateGroup> Groups { get; init; }
}

/// <summary>One tidy row for charts: a group, an outcome category and its value.</summary>
public sealed class OutcomeRow
{
    /// <summary>The group's key.</summary>
    public required AggregateKey Key { get; init; }

    /// <summary>Accepted reports summed in the group.</summary>
    public required long ReportCount { get; init; }

    /// <summary>disclosed, partiallyDisclosed, withheld.stateSecret, … and the subtotals withheld, unableToProvide, notProcessed, otherDisposal.</summary>
    public required string Category { get; init; }

    /// <summary>The category's statutory label (Chinese).</summary>
    public required string Label { get; init; }

    /// <summary>True for a derived subtotal of an outcome group.</summary>
    public required bool Subtotal { get; init; }

    /// <summary>The sum for the chosen applicant column.</summary>
    public required long Value { get; init; }

    /// <summary>Value ÷ outcomes.total of the same column; null when that total is 0.</summary>
    public double? Share { get; init; }
}

/// <summary>Outcomes as tidy rows.</summary>
public sealed class QueryOutcomesResponse
{
    /// <summary>The applicant column the values are taken from.</summary>
    public required string Applicant { get; init; }

    /// <summary>One row per group and category.</summary>
    public required IReadOnlyList<OutcomeRow> Rows { get; init; }
}
