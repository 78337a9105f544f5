using ReportService.Statutory.Model;

namespace ReportService.Statutory.Validation;

/// <summary>The statutory publication deadlines (REPORT.LATE, and completeness's on time / late).</summary>
public static class Deadlines
{
    /// <summary>
    /// 条例 article 49: departments (and townships, which follow them) publish by 31 January; each
    /// government's own report, published by its disclosure authority, by 31 March; region-wide aggregates
    /// county 20 February, prefecture 10 March, province 31 March.
    /// </summary>
    public static DateOnly For(AgencyLevel level, AgencyKind kind, ReportScope scope, int year)
    {
        var next = year + 1;
        if (scope == ReportScope.RegionAggregate)
        {
            return level switch
            {
                AgencyLevel.Township => new DateOnly(next, 1, 31),
                AgencyLevel.County => new DateOnly(next, 2, 20),
                AgencyLevel.City => new DateOnly(next, 3, 10),
                _ => new DateOnly(next, 3, 31),
            };
        }

        return kind == AgencyKind.Government && level != AgencyLevel.Township
            ? new DateOnly(next, 3, 31)
            : new DateOnly(next, 1, 31);
    }
}
