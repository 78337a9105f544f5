using System.Globalization;

namespace ReportService.ClientSmoke;

/// <summary>
/// What the two C# smokes share: the environment, the fixtures (clients/fixtures.mjs), the checks and the
/// figures every client must read back exactly. Nothing here knows a generated type.
/// </summary>
internal sealed class Smoke(string client)
{
    /// <summary>int32 max: what each fixture report counts in received, disclosed and total (natural persons).</summary>
    public const int Int32Max = int.MaxValue;

    /// <summary>Two fixture reports in one township: 2 × (2^31 − 1), exact only in a 64-bit integer.</summary>
    public const long ExpectedSum = 2L * int.MaxValue;

    /// <summary>The CSV column of 一、本年新收政府信息公开申请数量, natural persons (the service's Chinese header).</summary>
    public const string CsvReceivedNaturalPerson = "表三·一、本年新收政府信息公开申请数量·自然人";

    /// <summary>A report id no report has: reading it is a 404 problem.</summary>
    public static readonly Guid UnknownId = Guid.Parse("00000000-0000-4000-8000-000000000000");

    private int steps;

    public static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"set {name} (scripts/contract-check sets BASE_URL, TOKEN, FIXTURES_DIR and TOWNSHIP)");

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(Env("FIXTURES_DIR"), name + ".json"));

    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"check failed: {what}");
        }
    }

    public void Ok(string what)
    {
        steps++;
        Console.WriteLine($"ok   {client}: {what}");
    }

    public async Task<int> RunAsync(Func<Task> main)
    {
        try
        {
            await main();
            Console.WriteLine($"smoke: {client}: all {steps} steps passed");
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"smoke: {client}: FAILED after {steps} step(s): {e}");
            return 1;
        }
    }

    /// <summary>The aggregate CSV of one group: its report count and the received natural-person sum, as printed.</summary>
    public static (string? ReportCount, string? ReceivedNaturalPerson, int Rows) CsvSums(string csv)
    {
        // The header labels and the numbers hold no commas or quotes: a split is RFC 4180 enough here.
        var lines = csv.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Check(lines.Length >= 1, "CSV: a header row");
        var header = lines[0].Split(',');
        var first = lines.Length > 1 ? lines[1].Split(',') : [];
        string? Cell(string column) => Array.IndexOf(header, column) is var i and >= 0 && i < first.Length ? first[i] : null;
        return (Cell("报告数"), Cell(CsvReceivedNaturalPerson), lines.Length - 1);
    }

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
