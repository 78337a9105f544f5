using ReportService.Api.Features.Regions;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Completeness;

/// <summary>
/// One agency that owes a report for a year: the government of a region, for one scope (no credit code: the division
/// reference does not know it), or a registered department or other body, for its own report.
/// </summary>
internal sealed record ExpectedReporter(string RegionCode, string Name, AgencyLevel Level, AgencyKind Kind, ReportScope Scope, string? CreditCode = null, string? Source = null)
{
    /// <summary>The order of lists: region code, then the government (no credit code) before agencies by credit code, then scope.</summary>
    public static int Compare(ExpectedReporter a, ExpectedReporter b)
    {
        var order = string.CompareOrdinal(a.RegionCode, b.RegionCode);
        order = order != 0 ? order : string.CompareOrdinal(a.CreditCode ?? "", b.CreditCode ?? "");
        return order != 0 ? order : a.Scope.CompareTo(b.Scope);
    }
}

/// <summary>What completeness counts: the year, and the expected reporters' region prefix, scope, level and kind (each null for all).</summary>
internal sealed record CompletenessScope(int Year, string? Prefix, ReportScope? Scope, AgencyLevel? Level, AgencyKind? Kind, bool ApprovedOnly);

/// <summary>
/// Who must report (issue 16 item 1). Governments follow from the division reference: every township, county,
/// prefecture and province has a government that owes its own report (scope agency) and, from county level up, the
/// region's report (scope regionAggregate). Departments and other bodies come from the agencies register: those in
/// force in the year (firstYear ≤ year ≤ lastYear), registered or learned from a report, each owing its own report
/// (matched by credit code, wherever the report says the agency is); <see cref="YearIndex"/> holds them. This class
/// holds the governments, which only the division reference (fixed for the process) decides.
/// </summary>
internal sealed class ExpectedReporters
{
    private readonly List<ExpectedReporter> _governments;
    private readonly Dictionary<string, int[]> _positions = new(StringComparer.Ordinal);

    public ExpectedReporters(RegionDirectory regions)
    {
        _governments = [];
        foreach (var region in regions.All.OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            var level = region.Level switch
            {
                RegionLevel.Province => AgencyLevel.Province,
                RegionLevel.City => AgencyLevel.City,
                RegionLevel.County => AgencyLevel.County,
                _ => AgencyLevel.Township,
            };
            _positions[region.Code] = level == AgencyLevel.Township ? [_governments.Count] : [_governments.Count, _governments.Count + 1];
            _governments.Add(new ExpectedReporter(region.Code, region.Name, level, AgencyKind.Government, ReportScope.Agency));
            if (level != AgencyLevel.Township)
            {
                _governments.Add(new ExpectedReporter(region.Code, region.Name, level, AgencyKind.Government, ReportScope.RegionAggregate));
            }
        }
    }

    /// <summary>Every government and scope it owes, in list order (<see cref="ExpectedReporter.Compare"/>).</summary>
    public IReadOnlyList<ExpectedReporter> Governments => _governments;

    /// <summary>The positions in <see cref="Governments"/> of a region's government (none for a code the division reference lacks).</summary>
    public int[] GovernmentPositions(string regionCode) => _positions.TryGetValue(regionCode, out var positions) ? positions : [];

    /// <summary>The position of the first government whose region code is not below <paramref name="regionCode"/>.</summary>
    public int FirstGovernmentFrom(string regionCode)
    {
        var (low, high) = (0, _governments.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (string.CompareOrdinal(_governments[middle].RegionCode, regionCode) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
