using System.Text.Json.Serialization;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Reports;

/// <summary>A broken statutory rule, error or warning, with every cell it involves.</summary>
public sealed class RuleViolation
{
    /// <summary>Stable rule id, e.g. <c>T3.BALANCE</c>; the catalogue is at <c>GET /v1/rules</c>.</summary>
    public required string Rule { get; init; }

    /// <summary><c>error</c> rejects the report; <c>warning</c> is stored and returned with it.</summary>
    public required RuleSeverity Severity { get; init; }

    /// <summary>Chinese by default; English with <c>Accept-Language: en</c>.</summary>
    public required string Message { get; init; }

    /// <summary>Every cell the rule involves.</summary>
    public required IReadOnlyList<RuleViolationCell> Cells { get; init; }

    /// <summary>Arithmetic rules: the value the identity requires (e.g. 第一项加第二项之和).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Expected { get; init; }

    /// <summary>Arithmetic rules: the value the report gives (e.g. 第三项加第四项之和).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Actual { get; init; }

    internal static RuleViolation From(Violation violation, MessageLanguage language) => new()
    {
        Rule = violation.Rule,
        Severity = violation.Severity,
        Message = violation.Message.In(language),
        Cells = [.. violation.Cells.Select(c => new RuleViolationCell { Pointer = c.Pointer, Value = c.Value, Missing = c.Missing })],
        Expected = violation.Expected,
        Actual = violation.Actual,
    };

    internal static IReadOnlyList<RuleViolation> From(IEnumerable<Violation> violations, MessageLanguage language) =>
        [.. violations.Select(v => From(v, language))];
}

/// <summary>A cell a rule involves.</summary>
public sealed class RuleViolationCell
{
    /// <summary>RFC 6901 JSON Pointer into the submitted body.</summary>
    public required string Pointer { get; init; }

    /// <summary>The value as submitted: a number or string, or null when missing.</summary>
    public object? Value { get; init; }

    /// <summary>True when the body has no value here. A blank is never read as zero.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Missing { get; init; }
}
