using ReportService.Statutory.Model;

namespace ReportService.Extraction;

/// <summary>A region of the division reference (统计用区划代码): its code (2, 4, 6 or 9 digits) and name.</summary>
public sealed record DivisionName(string Code, string Name);

/// <summary>
/// Finds an agency's region from its name through the division reference: "交城县水峪贯镇人民政府" is 交城县
/// (141122) then, among its townships, 水峪贯镇 (141122103). Names are matched from the start of the agency's
/// name, each next name among the regions under the one before (levels may be skipped: "山西省交城县…").
/// A name that starts with no region ("水峪贯镇人民政府") is looked up among all townships and counties; when
/// several share it, the answer is ambiguous with the candidates. Build once and share: it is immutable.
/// </summary>
public sealed class DivisionIndex
{
    private const int LongestName = 20;

    private readonly Dictionary<string, List<DivisionName>> _byName = new(StringComparer.Ordinal);

    public DivisionIndex(IEnumerable<DivisionName> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        foreach (var region in regions)
        {
            // Placeholder names of the statistical codes are no agency's name.
            if (region.Name is "市辖区" or "县" or "省直辖县级行政区划" or "自治区直辖县级行政区划")
            {
                continue;
            }

            var name = SourceText.NormalizeString(region.Name);
            if (!_byName.TryGetValue(name, out var list))
            {
                _byName[name] = list = [];
            }

            list.Add(region);
        }
    }

    /// <summary>The region the name starts with (deepest match), inferred; ambiguous when several fit equally.</summary>
    public ExtractedField<string> RegionOf(string? agencyName)
    {
        if (string.IsNullOrWhiteSpace(agencyName))
        {
            return new(null, ExtractionStatus.Missing, null, "no agency name");
        }

        var name = SourceText.NormalizeString(agencyName.Trim());
        var chains = Match(name, 0, null);
        if (chains.Count == 0)
        {
            return new(null, ExtractionStatus.Missing, null, "the name starts with no region of the division reference");
        }

        var deepest = chains.Max(c => c.Code.Length);
        var best = chains.Where(c => c.Code.Length == deepest).Select(c => c.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return best.Count == 1
            ? new(best[0], ExtractionStatus.Inferred, null, "from the agency's name through the division reference")
            : new(null, ExtractionStatus.Ambiguous, null, "several regions have this name: " + string.Join(", ", best));
    }

    /// <summary>The level the region's code says (2 digits province … 9 digits township).</summary>
    public static AgencyLevel? LevelOf(string? code) => code?.Length switch
    {
        2 => AgencyLevel.Province,
        4 => AgencyLevel.City,
        6 => AgencyLevel.County,
        9 => AgencyLevel.Township,
        _ => null,
    };

    private List<DivisionName> Match(string name, int from, string? parent)
    {
        var found = new List<DivisionName>();
        for (var length = Math.Min(LongestName, name.Length - from); length >= 2; length--)
        {
            if (!_byName.TryGetValue(name.Substring(from, length), out var regions))
            {
                continue;
            }

            foreach (var region in regions)
            {
                if (parent is not null && (!region.Code.StartsWith(parent, StringComparison.Ordinal) || region.Code.Length <= parent.Length))
                {
                    continue;
                }

                var below = Match(name, from + length, region.Code);
                found.AddRange(below.Count > 0 ? below : [region]);
            }
        }

        return found;
    }
}
