namespace ReportService.Api.Features.Regions;

/// <summary>A region of the division reference.</summary>
public sealed class RegionSummary
{
    /// <summary>统计用区划代码 (2, 4, 6 or 9 digits).</summary>
    public required string Code { get; init; }

    /// <summary>名称.</summary>
    public required string Name { get; init; }

    /// <summary>province, city, county or township.</summary>
    public required RegionLevel Level { get; init; }

    internal static RegionSummary From(Region region) => new() { Code = region.Code, Name = region.Name, Level = region.Level };
}

/// <summary>A region with its parent and children.</summary>
public sealed class GetRegionResponse
{
    /// <summary>统计用区划代码, normalised (140000 → 14).</summary>
    public required string Code { get; init; }

    /// <summary>名称.</summary>
    public required string Name { get; init; }

    /// <summary>province, city, county or township.</summary>
    public required RegionLevel Level { get; init; }

    /// <summary>The region one level up; absent for a province.</summary>
[System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RegionSummary? Parent { get; init; }

    /// <summary>The regions one level down.</summary>
    public required IReadOnlyList<RegionSummary> Children { get; init; }
}

/// <summary>Regions one level below a parent (provinces without one).</summary>
public sealed class ListRegionsResponse
{
    /// <summary>The parent asked for, normalised; absent for the list of provinces.</summary>
[System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Parent { get; init; }

    /// <summary>The regions, by code.</summary>
    public required IReadOnlyList<RegionSummary> Items { get; init; }
}
