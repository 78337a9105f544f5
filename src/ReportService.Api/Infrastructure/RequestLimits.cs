namespace ReportService.Api.Infrastructure;

internal static class RequestLimits
{
    /// <summary>One report is a few KiB; 1 MiB leaves room for long texts and stops abuse early.</summary>
    public const long ReportBodyBytes = 1024 * 1024;
}
