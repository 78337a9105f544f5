namespace ReportService.Statutory.Model;

/// <summary>Administrative level of the publishing agency (行政层级).</summary>
public enum AgencyLevel
{
    /// <summary>国家级 (State Council and its ministries).</summary>
    National,
    /// <summary>省级.</summary>
    Province,
    /// <summary>市级 (prefecture).</summary>
    City,
    /// <summary>县级.</summary>
    County,
    /// <summary>乡镇级 (townships and subdistricts).</summary>
    Township,
}

/// <summary>Kind of publishing agency (机关类型).</summary>
public enum AgencyKind
{
    /// <summary>人民政府.</summary>
    Government,
    /// <summary>政府部门.</summary>
    Department,
    /// <summary>其他 (e.g. bodies publishing under delegated authority).</summary>
    Other,
}

/// <summary>What the report covers (报告范围): the agency itself, or the region-wide aggregate (本级政府汇总).</summary>
public enum ReportScope
{
    /// <summary>本机关: the report of the agency itself.</summary>
    Agency,
    /// <summary>本级政府汇总: the sum over the region's departments and lower governments; never summed with agency reports.</summary>
    RegionAggregate,
}
