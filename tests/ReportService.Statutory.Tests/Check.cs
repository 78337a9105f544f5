using System.Text.Json.Nodes;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;
using ReportService.TestSupport;

namespace ReportService.Statutory.Tests;

/// <summary>Reads a body and runs every rule, as the API does.</summary>
internal static class Check
{
    public static readonly ReportValidator Validator = new(FixedClock.Default);

    public static Report Parse(JsonNode body) => Parse(body.ToUtf8());

    public static Report Parse(byte[] utf8) => ReportReader.Read(utf8) switch
    {
        ReportReadResult.Parsed parsed => parsed.Report,
        var other => throw new InvalidOperationException($"Expected a parsed report, got {other}"),
    };

    public static IReadOnlyList<Violation> Run(JsonNode body, JsonNode? previousYear = null) =>
        Validator.Check(new ReportUnderReview(Parse(body), previousYear is null ? null : Parse(previousYear)));

    public static IReadOnlyList<Violation> Errors(this IReadOnlyList<Violation> violations) => [.. violations.Where(v => v.IsError)];

    public static IReadOnlyList<Violation> Warnings(this IReadOnlyList<Violation> violations) => [.. violations.Where(v => !v.IsError)];

    public static Violation Single(this IReadOnlyList<Violation> violations, string rule) =>
        Assert.Single(violations, v => v.Rule == rule);
}
