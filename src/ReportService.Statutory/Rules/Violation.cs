namespace ReportService.Statutory.Rules;

/// <summary>Whether a rule's failure rejects the report.</summary>
public enum RuleSeverity
{
    /// <summary>A hard rule: the report is not accepted.</summary>
    Error,
    /// <summary>The report is accepted; the warning is stored and returned with it.</summary>
    Warning,
}

/// <summary>A cell a rule looked at: its RFC 6901 pointer into the submitted body and its value there.</summary>
/// <param name="Pointer">JSON Pointer into the submitted body.</param>
/// <param name="Value">The value as submitted: a number, a string, or null when missing.</param>
/// <param name="Missing">True when the body has no value at this pointer (a blank is not a zero).</param>
public sealed record ViolationCell(string Pointer, object? Value, bool Missing = false)
{
    /// <summary>A count cell: missing when null.</summary>
    public static ViolationCell Count(string pointer, int? value) => new(pointer, value, value is null);

    /// <summary>An amount cell: missing when null.</summary>
    public static ViolationCell Amount(string pointer, decimal? value) => new(pointer, value, value is null);
}

/// <summary>One broken rule, with every cell it involves.</summary>
/// <param name="Rule">The stable rule id (see <see cref="RuleIds"/>).</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">The message in both languages.</param>
/// <param name="Cells">Every cell the rule involves.</param>
/// <param name="Expected">For arithmetic rules: the value the identity requires.</param>
/// <param name="Actual">For arithmetic rules: the value the report gives.</param>
public sealed record Violation(
    string Rule, RuleSeverity Severity, LocalizedText Message, IReadOnlyList<ViolationCell> Cells,
    long? Expected = null, long? Actual = null)
{
    /// <summary>True for a violation that rejects the report.</summary>
    public bool IsError => Severity == RuleSeverity.Error;
}
