using System.Text.Json.Serialization;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Agencies;

/// <summary>The body of <c>PUT /v1/agencies/{creditCode}</c>: the agency as it is to be registered (the whole of it).</summary>
public class RegisterAgencyRequest
{
    /// <summary>机关名称: the agency's full name (at most 200 characters).</summary>
    public string? Name { get; init; }

    /// <summary>统计用区划代码 of the government it belongs to (2, 4, 6 or 9 digits; 140000 forms accepted); must be in the division reference.</summary>
    public string? RegionCode { get; init; }

    /// <summary>行政层级.</summary>
    public AgencyLevel? Level { get; init; }

    /// <summary>机关类型: department or other (governments are not registered: they follow from the division reference).</summary>
    public AgencyKind? Kind { get; init; }

    /// <summary>The first year whose report it owes (2019–2100): the year it was created, or the first year tracked.</summary>
    public int? FirstYear { get; init; }

    /// <summary>The last year whose report it owes (the year it was dissolved), at least firstYear; absent while it is in force.</summary>
    public int? LastYear { get; init; }
}

/// <summary>Where an agency's row comes from.</summary>
public enum AgencySource
{
    /// <summary>Registered by a supervising office (PUT or batch).</summary>
    Register,

    /// <summary>Learned from the accepted reports of an agency nobody registered: expected from its earliest report's year on; name, region, level and kind follow its latest year's report, corrections included.</summary>
    Report,
}

/// <summary>An agency that owes a report in the years it is in force.</summary>
public sealed class AgencyResponse
{
    /// <summary>统一社会信用代码.</summary>
    public required string CreditCode { get; init; }

    /// <summary>机关名称.</summary>
    public required string Name { get; init; }

    /// <summary>统计用区划代码 (normalised).</summary>
    public required string RegionCode { get; init; }

    /// <summary>行政层级.</summary>
    public required AgencyLevel Level { get; init; }

    /// <summary>机关类型: department or other.</summary>
    public required AgencyKind Kind { get; init; }

    /// <summary>The first year whose report it owes.</summary>
    public required int FirstYear { get; init; }

    /// <summary>The last year whose report it owes; absent while it is in force.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LastYear { get; init; }

    /// <summary>register (a supervising office registered it: no report changes it) or report (learned from its reports, which it follows; nobody registered it).</summary>
    public required AgencySource Source { get; init; }

    /// <summary>1 when created, one more per change; the ETag is this number quoted.</summary>
    public required int Version { get; init; }

    /// <summary>When the current version was written.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>An agency's fields after every check: what the register stores.</summary>
internal sealed record CheckedAgency(string CreditCode, string Name, string RegionCode, AgencyLevel Level, AgencyKind Kind, int FirstYear, int? LastYear);

/// <summary>What is wrong with an agency's fields: the field (a JSON name) and why, in words.</summary>
internal sealed record AgencyFieldProblem(string Field, string Detail);

/// <summary>The checks and shapes every agency endpoint shares.</summary>
internal static class AgencyRecords
{
    public const string Prefix = Infrastructure.Endpoints.AgenciesGroup.Prefix;

    public const int MaxNameLength = 200;

    public static string Location(string creditCode) => $"{Prefix}/{creditCode}";

    public static string ETag(int version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    /// <summary>The credit code's problem, or null when it is a valid 统一社会信用代码 (GB 32100: length, alphabet, both check characters).</summary>
    public static string? CreditCodeProblem(string? creditCode) => CreditCode.Check(creditCode) switch
    {
        Statutory.Identity.CreditCodeProblem.None => null,
        Statutory.Identity.CreditCodeProblem.Length => "creditCode must be a unified social credit code of 18 characters.",
        Statutory.Identity.CreditCodeProblem.Alphabet => "creditCode may only use 0-9 and the capital letters A-H, J-N, P-R, T, U, W-Y.",
        Statutory.Identity.CreditCodeProblem.OrganizationCheck => "creditCode's 17th character (the organisation code's check, GB 11714) is wrong.",
        _ => "creditCode's check character (the 18th, GB 32100) is wrong.",
    };

    /// <summary>Checks every field of a registration, in the order of the body; the first problem, or the checked agency.</summary>
    public static (CheckedAgency? Agency, AgencyFieldProblem? Problem) Check(string creditCode, RegisterAgencyRequest body, RegionDirectory regions)
    {
        if (CreditCodeProblem(creditCode) is { } codeProblem)
        {
            return (null, new("creditCode", codeProblem));
        }

        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return (null, new("name", "name is required: the agency's full name."));
        }

        if (name.Length > MaxNameLength || name.Any(char.IsControl) || !WellFormed(name))
        {
            return (null, new("name", $"name has at most {MaxNameLength} characters and no control characters."));
        }

        if (body.RegionCode is not { } regionText)
        {
            return (null, new("regionCode", "regionCode is required: the region code of the government the agency belongs to."));
        }

        if (!RegionCode.TryNormalize(regionText, out var region) || !regions.Exists(region))
        {
            return (null, new("regionCode", $"regionCode {Shorten(regionText)} is not a region code of the division reference (GET /v1/regions lists them)."));
        }

        if (body.Level is not { } level)
        {
            return (null, new("level", "level is required: one of " + ContractEnums.Names<AgencyLevel>() + "."));
        }

        if (body.Kind is not { } kind || kind == AgencyKind.Government)
        {
            return (null, new("kind", body.Kind is null
                ? "kind is required: department or other."
                : "kind cannot be government: every region's government is expected from the division reference and is not registered. Use department or other."));
        }

        if (body.FirstYear is not { } firstYear || firstYear < AggregateFilter.FirstYear || firstYear > AggregateFilter.LastYear)
        {
            return (null, new("firstYear", $"firstYear is required, from {AggregateFilter.FirstYear} to {AggregateFilter.LastYear}: the first year whose report the agency owes."));
        }

        if (body.LastYear is { } lastYear && (lastYear < firstYear || lastYear > AggregateFilter.LastYear))
        {
            return (null, new("lastYear", $"lastYear must be from firstYear ({firstYear}) to {AggregateFilter.LastYear}, or absent while the agency is in force."));
        }

        return (new CheckedAgency(creditCode, name, region, level, kind, firstYear, body.LastYear), null);
    }

    public static AgencyResponse Response(StoredAgency agency) => new()
    {
        CreditCode = agency.CreditCode,
        Name = agency.Name,
        RegionCode = agency.RegionCode,
        Level = agency.Level,
        Kind = agency.Kind,
        FirstYear = agency.FirstYear,
        LastYear = agency.LastYear,
        Source = agency.Source == AgencySources.Report ? AgencySource.Report : AgencySource.Register,
        Version = agency.Version,
        ChangedAt = agency.ChangedAt,
    };

    /// <summary>No lone surrogate: PostgreSQL stores UTF-8, which cannot carry one.</summary>
    private static bool WellFormed(string text)
    {
        try
        {
            _ = StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (System.Text.EncoderFallbackException)
        {
            return false;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
