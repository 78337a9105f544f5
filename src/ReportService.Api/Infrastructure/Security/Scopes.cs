namespace ReportService.Api.Infrastructure.Security;

/// <summary>The OAuth2 scopes of the service and the claims that carry a writer's grants.</summary>
internal static class Scopes
{
    public const string Write = "reports:write";
    public const string Read = "reports:read";

    /// <summary>A supervising office: may review (approve, return) reports of its region prefixes.</summary>
    public const string Review = "reports:review";

    /// <summary>A supervising office: may register, replace and dissolve agencies of its region prefixes.</summary>
    public const string AgenciesWrite = "agencies:write";

    /// <summary>An administrator of the reporting calendar: may set and remove period locks (every year, not region-scoped).</summary>
    public const string LockPeriods = "periods:lock";

    /// <summary>Credit codes of the agencies whose reports the token may write (a JSON array, or space-separated).</summary>
    public const string CreditCodesClaim = "credit_codes";

    /// <summary>Region code prefixes the token may write for (<c>44</c> = Guangdong; <c>*</c> = every region).</summary>
    public const string RegionPrefixesClaim = "region_prefixes";

    public const string AnyRegion = "*";
}

/// <summary>Authorization policy names.</summary>
internal static class Policies
{
    /// <summary>Needs <see cref="Scopes.Write"/>.</summary>
    public const string Write = "write";

    /// <summary>Needs <see cref="Scopes.Review"/>; the report's region is checked against the token's region prefixes.</summary>
    public const string Review = "review";

    /// <summary>Needs <see cref="Scopes.AgenciesWrite"/>; each agency's region is checked against the token's region prefixes.</summary>
    public const string WriteAgencies = "write-agencies";

    /// <summary>Needs <see cref="Scopes.LockPeriods"/>: period locks, read and changed (ADR 16).</summary>
    public const string LockPeriods = "lock-periods";

    /// <summary>Report bodies: <see cref="Scopes.Read"/> unless <c>Auth:PublicReports</c>.</summary>
    public const string ReadReports = "read-reports";

    /// <summary>Aggregates, regions, rules: anonymous unless <c>Auth:PublicData</c> is false.</summary>
    public const string ReadPublicData = "read-public-data";
}
