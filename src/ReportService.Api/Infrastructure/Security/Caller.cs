using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Statutory.Identity;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>Who is calling, from the validated token: subject, client, scopes and write grants.</summary>
internal sealed class Caller
{
    private static readonly char[] Separators = [' ', ','];

    private static readonly Caller Anonymous = new(null, null, [], [], []);

    /// <summary>
    /// The caller of each authenticated principal, read once: the rate limiter, the scope check and the
    /// endpoint all ask for it in one request. Entries live as long as their principal (the request's).
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ClaimsPrincipal, Caller> Read = [];

    private Caller(string? subject, string? client, HashSet<string> scopes, HashSet<string> creditCodes, List<string> regionPrefixes)
    {
        Subject = subject;
        Client = client;
        Scopes = scopes;
        CreditCodes = creditCodes;
        RegionPrefixes = regionPrefixes;
    }

    /// <summary>The token's <c>sub</c>.</summary>
    public string? Subject { get; }

    /// <summary>The OAuth2 client (<c>client_id</c>, <c>azp</c> or <c>appid</c>).</summary>
    public string? Client { get; }

    public IReadOnlySet<string> Scopes { get; }

    public IReadOnlySet<string> CreditCodes { get; }

    public IReadOnlyList<string> RegionPrefixes { get; }

    public static Caller From(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? Read.GetValue(user, Parse) : Anonymous;

    private static Caller Parse(ClaimsPrincipal user)
    {
        var subject = user.FindFirst("sub")?.Value;
        var client = user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("appid")?.Value;
        var scopes = Values(user, "scope").Concat(Values(user, "scp")).ToHashSet(StringComparer.Ordinal);
        var creditCodes = Values(user, Security.Scopes.CreditCodesClaim).Select(c => c.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var regions = Values(user, Security.Scopes.RegionPrefixesClaim)
            .Select(prefix => prefix == Security.Scopes.AnyRegion ? prefix : RegionCode.TryNormalize(prefix, out var normalized) ? normalized : prefix)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new Caller(subject, client, scopes, creditCodes, regions);
    }

    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>Whether this caller may write reports of the agency with this credit code in this region.</summary>
    public bool MayWrite(string creditCode, string regionCode)
    {
        if (!HasScope(Security.Scopes.Write))
        {
            return false;
        }

        if (CreditCodes.Contains(creditCode.ToUpperInvariant()))
        {
            return true;
        }

        var region = RegionCode.TryNormalize(regionCode, out var normalized) ? normalized : regionCode;
        return RegionPrefixes.Any(prefix => prefix == Security.Scopes.AnyRegion || region.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether this caller may review reports of this region: <c>reports:review</c> and a region prefix that
    /// covers it (a supervising office reviews its area; credit codes grant writing, not reviewing).
    /// </summary>
    public bool MayReview(string regionCode)
    {
        if (!HasScope(Security.Scopes.Review))
        {
            return false;
        }

        var region = RegionCode.TryNormalize(regionCode, out var normalized) ? normalized : regionCode;
        return RegionPrefixes.Any(prefix => prefix == Security.Scopes.AnyRegion || region.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether this caller may register, replace or dissolve an agency of this region: <c>agencies:write</c> and a
    /// region prefix that covers it, granted like writes (<c>region_prefixes</c>). A credit-code grant does not
    /// count: an agency does not decide for itself which years it owes a report.
    /// </summary>
    public bool MayRegisterAgency(string regionCode) => HasScope(Security.Scopes.AgenciesWrite) && Covers(regionCode);

    /// <summary>The 403 for an agency the caller may not register (its region, or the region it would move to).</summary>
    public ProblemHttpResult AgencyForbidden(string creditCode, string regionCode) => TypedResults.Problem(
        title: "Not allowed to register agencies of this region",
        detail: AgencyForbiddenDetail(creditCode, regionCode),
        statusCode: StatusCodes.Status403Forbidden,
        type: "https://report-service/problems/region-not-granted");

    public string AgencyForbiddenDetail(string creditCode, string regionCode) =>
        $"The token may register agencies of {Describe(RegionPrefixes, "no region")}; agency {creditCode} is of region {regionCode}.";

    private bool Covers(string regionCode)
    {
        var region = RegionCode.TryNormalize(regionCode, out var normalized) ? normalized : regionCode;
        return RegionPrefixes.Any(prefix => prefix == Security.Scopes.AnyRegion || region.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>The 403 for a report of an agency the caller may not write for, counted by operation.</summary>
    public ProblemHttpResult Forbidden(string creditCode, string regionCode, string operation)
    {
        Telemetry.WritesForbidden.Add(1, new KeyValuePair<string, object?>("operation", operation));
        return TypedResults.Problem(
            title: "Not allowed to write this agency's reports",
            detail: ForbiddenDetail(creditCode, regionCode),
            statusCode: StatusCodes.Status403Forbidden,
            type: "https://report-service/problems/agency-not-granted");
    }

    public string ForbiddenDetail(string creditCode, string regionCode) =>
        $"The token may write reports of {Describe(CreditCodes, "no credit code")} and of {Describe(RegionPrefixes, "no region")}; " +
        $"this report is of agency {creditCode} in region {regionCode}.";

    private static string Describe(IEnumerable<string> values, string none)
    {
        var list = values.Take(20).ToList();
        return list.Count == 0 ? none : string.Join(", ", list);
    }

    private static IEnumerable<string> Values(ClaimsPrincipal user, string type) =>
        user.FindAll(type).SelectMany(claim => claim.Value.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
