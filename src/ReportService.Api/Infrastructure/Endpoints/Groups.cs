using FastEndpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// <c>/v1/reports</c>: report bodies and their history. Each endpoint names its own policy (writers need
/// <c>reports:write</c>, readers <c>reports:read</c> unless configured public); all need the database.
/// </summary>
internal sealed class ReportsGroup : Group
{
    public const string Prefix = "/v1/reports";

    public ReportsGroup() => Configure(Prefix[1..], ep => ep.Description(b => b.WithTags("Reports").AddEndpointFilter<RequiresDatabase>()));
}

/// <summary><c>/v1/rules</c>: the rule catalogue, public data.</summary>
internal sealed class RulesGroup : Group
{
    public const string Prefix = "/v1/rules";

    public RulesGroup() => Configure(Prefix[1..], ep => PublicData.Apply(ep, "Rules"));
}

/// <summary><c>/v1/regions</c>: the division reference, public data.</summary>
internal sealed class RegionsGroup : Group
{
    public const string Prefix = "/v1/regions";

    public RegionsGroup() => Configure(Prefix[1..], ep => PublicData.Apply(ep, "Regions"));
}

/// <summary><c>/v1/aggregates</c>: sums of accepted reports, public data that needs the database.</summary>
internal sealed class AggregatesGroup : Group
{
    public const string Prefix = "/v1/aggregates";

    public AggregatesGroup() => Configure(Prefix[1..], ep =>
    {
        PublicData.Apply(ep, "Aggregates");
        ep.Description(b => b.AddEndpointFilter<RequiresDatabase>());
    });
}

/// <summary><c>/v1/completeness</c>: who has reported, public data that needs the database.</summary>
internal sealed class CompletenessGroup : Group
{
    public const string Prefix = "/v1/completeness";

    public CompletenessGroup() => Configure(Prefix[1..], ep =>
    {
        PublicData.Apply(ep, "Completeness");
        ep.Description(b => b.AddEndpointFilter<RequiresDatabase>());
    });
}

/// <summary>
/// <c>/v1/agencies</c>: the register of departments and other bodies that owe a report. Reading is public data;
/// registering needs <c>agencies:write</c> (each endpoint names its policy). All need the database.
/// </summary>
internal sealed class AgenciesGroup : Group
{
    public const string Prefix = "/v1/agencies";

    public AgenciesGroup() => Configure(Prefix[1..], ep => ep.Description(b => b.WithTags("Agencies").AddEndpointFilter<RequiresDatabase>()));
}

/// <summary><c>/v1/period-locks</c>: the reporting calendar's locks, for administrators (scope periods:lock, every endpoint); needs the database.</summary>
internal sealed class PeriodLocksGroup : Group
{
    public const string Prefix = "/v1/period-locks";

    public PeriodLocksGroup() => Configure(Prefix[1..], ep =>
        ep.Description(b => b.WithTags("Period locks").RequirePolicy(Policies.LockPeriods).AddEndpointFilter<RequiresDatabase>()));
}

/// <summary>Public data: anonymous unless the service is configured to require <c>reports:read</c> (the policy decides).</summary>
internal static class PublicData
{
    public static void Apply(EndpointDefinition ep, string tag)
    {
        ep.Description(b => b.WithTags(tag).RequirePolicy(Policies.ReadPublicData));
    }
}
