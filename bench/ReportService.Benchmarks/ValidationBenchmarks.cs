using BenchmarkDotNet.Attributes;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;
using ReportService.TestSupport;

namespace ReportService.Benchmarks;

/// <summary>
/// Deserialise + validate one format-2021 report. The issue's target is at most 50 µs per valid report
/// (<see cref="ReadAndValidateGenerated"/>). See docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private readonly ReportValidator validator = new(FixedClock.Default);

    private byte[] generated = [];
    private byte[] seed002 = [];
    private byte[] seed004 = [];
    private Report generatedReport = null!;

    [GlobalSetup]
    public void Setup()
    {
        generated = ReportGenerator.Generate(new Random(2021), ReportFormats.Format2021).ToUtf8();
        seed002 = Seeds.Utf8("002");
        seed004 = Seeds.Utf8("004");
        generatedReport = Parse(generated);

        // Guard against measuring the wrong thing: the valid inputs must pass, the invalid one must not.
        Expect(generated, valid: true, "generated");
        Expect(seed002, valid: true, "seed 002");
        Expect(seed004, valid: false, "seed 004");
    }

    [Benchmark(Baseline = true, Description = "Read only (generated, valid)")]
    public ReportReadResult ReadOnly() => ReportReader.Read(generated);

    [Benchmark(Description = "Read + validate (generated, valid)")]
    public IReadOnlyList<Violation> ReadAndValidateGenerated() => ReadAndValidate(generated);

    [Benchmark(Description = "Read + validate (seed 002, valid)")]
    public IReadOnlyList<Violation> ReadAndValidateSeed002() => ReadAndValidate(seed002);

    [Benchmark(Description = "Read + validate (seed 004, invalid)")]
    public IReadOnlyList<Violation> ReadAndValidateSeed004() => ReadAndValidate(seed004);

    [Benchmark(Description = "Validate only (generated, pre-parsed)")]
    public IReadOnlyList<Violation> ValidateOnly() => validator.Check(new ReportUnderReview(generatedReport));

    private IReadOnlyList<Violation> ReadAndValidate(byte[] utf8) =>
        validator.Check(new ReportUnderReview(Parse(utf8)));

    private static Report Parse(byte[] utf8) => ReportReader.Read(utf8) is ReportReadResult.Parsed parsed
        ? parsed.Report
        : throw new InvalidOperationException("The benchmark input did not parse.");

    private void Expect(byte[] utf8, bool valid, string name)
    {
        var violations = ReadAndValidate(utf8);
        if ((violations.Count == 0) != valid)
        {
            throw new InvalidOperationException(
                $"Benchmark input {name}: expected {(valid ? "no" : "some")} violations, got {violations.Count}: "
                + string.Join(", ", violations.Select(v => v.Rule)));
        }
    }
}
