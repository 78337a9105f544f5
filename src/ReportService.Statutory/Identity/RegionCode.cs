namespace ReportService.Statutory.Identity;

/// <summary>Statistical division codes (统计用区划代码): province 2 digits, prefecture 4, county 6, township 9.</summary>
public static class RegionCode
{
    /// <summary>
    /// The canonical form of a region code: <c>140000</c> → <c>14</c>, <c>141100</c> → <c>1411</c>; 2, 4, 6
    /// and 9 digit codes stay as they are. Returns false for anything else.
    /// </summary>
    public static bool TryNormalize(string? code, out string normalized)
    {
        normalized = "";
        if (code is null || code.Length is not (2 or 4 or 6 or 9) || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (code.Length == 6 && code.EndsWith("0000", StringComparison.Ordinal))
        {
            normalized = code[..2];
        }
        else if (code.Length == 6 && code.EndsWith("00", StringComparison.Ordinal))
        {
            normalized = code[..4];
        }
        else
        {
            normalized = code;
        }

        return normalized.Length < 2 || normalized[..2] != "00";
    }

    /// <summary>The 6-digit county (or coarser) prefix that a credit code's characters 3–8 should carry.</summary>
    public static bool CreditRegionMatches(string normalizedRegion, string creditRegion)
    {
        // A township registers with its county; a county-level agency with its county; a prefecture or
        // province agency may be registered in one of its districts, so only the prefix must agree.
        var prefix = normalizedRegion.Length >= 6 ? normalizedRegion[..6] : normalizedRegion;
        return creditRegion.StartsWith(prefix, StringComparison.Ordinal);
    }
}
