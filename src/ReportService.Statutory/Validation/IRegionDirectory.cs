namespace ReportService.Statutory.Validation;

/// <summary>The division reference (统计用区划代码) that AGENCY.REGION checks codes against.</summary>
public interface IRegionDirectory
{
    /// <summary>True when the normalised code names a known region.</summary>
    bool Exists(string normalizedCode);
}
