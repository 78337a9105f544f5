namespace ReportService.TestSupport;

/// <summary>A clock that always says the same instant, so that REPORT.YEAR does not drift with the calendar.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly FixedClock Default = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => now;
}
