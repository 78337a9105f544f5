using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Rules.ListRules;

/// <summary>The rule catalogue.</summary>
public sealed class ListRulesResponse
{
    /// <summary>Every rule, in the order they are checked.</summary>
    public required IReadOnlyList<ListRulesItem> Rules { get; init; }
}

/// <summary>One rule of the catalogue.</summary>
public sealed class ListRulesItem
{
    /// <summary>Stable rule id, as it appears in violations.</summary>
    public required string Id { get; init; }

    /// <summary><c>error</c> rejects a report; <c>warning</c> is stored with it.</summary>
    public required RuleSeverity Severity { get; init; }

    /// <summary>The formats (<c>2019</c>, <c>2021</c>) the rule applies to.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>True for the cross-year rules, which compare with the same agency's stored report of the previous year.</summary>
    public required bool CrossYear { get; init; }

    /// <summary>What the rule checks, in Chinese.</summary>
    public required string TextZh { get; init; }

    /// <summary>What the rule checks, in English.</summary>
    public required string TextEn { get; init; }
}
