using System.Globalization;
using System.Text;

namespace ReportService.CrashClient;

/// <summary>What one attempt learnt: acknowledged (201 with an id), unknown (may or may not be stored) or refused (any other 4xx).</summary>
internal sealed record AttemptOutcome(string Kind, int Status, Guid? Id, string Detail, TimeSpan? RetryAfter = null)
{
    public const string Acknowledged = "acknowledged";
    public const string Unknown = "unknown";
    public const string Refused = "refused";
}

/// <summary>One attempt as read back from the ledger.</summary>
internal sealed record LedgerAttempt(int Number, DateTimeOffset Started, string Outcome, int Status, Guid? Id, string Detail);

/// <summary>One Idempotency-Key as read back from the ledger: the report it carries, every attempt and the final outcome.</summary>
internal sealed class LedgerEntry
{
    public required string Key { get; init; }

    public required int Index { get; init; }

    public required string CreditCode { get; init; }

    public required int Year { get; init; }

    public required string Format { get; init; }

    public required string Region { get; init; }

    public List<LedgerAttempt> Attempts { get; } = [];

    /// <summary>acknowledged, refused or unresolved (no definitive answer in time, or no final line at all).</summary>
    public string Final { get; set; } = "unresolved";

    public Guid? FinalId { get; set; }

    public string? ContentHash { get; set; }
}

/// <summary>
/// The ledger: a tab-separated file, one line per attempt and one final line per key, flushed line by line.
///   attempt KEY INDEX CREDIT_CODE YEAR FORMAT REGION N STARTED_UTC SECONDS OUTCOME HTTP_STATUS ID DETAIL
///   final   KEY INDEX CREDIT_CODE YEAR FORMAT REGION ATTEMPTS OUTCOME ID CONTENT_HASH
/// HTTP_STATUS is 0 when no response arrived; ID is "-" when there is none.
/// </summary>
internal sealed class LedgerWriter : IDisposable
{
    private readonly StreamWriter writer;
    private readonly Lock gate = new();

    public LedgerWriter(string path)
    {
        writer = new StreamWriter(path, append: true, new UTF8Encoding(false)) { AutoFlush = true };
        writer.WriteLine("# ReportService crash-consistency ledger (bench/ReportService.CrashClient); columns: see Ledger.cs");
    }

    public void Attempt(string key, GeneratedReport report, int number, DateTimeOffset started, double seconds, AttemptOutcome outcome) =>
        Write(string.Join('\t', "attempt", key, Identity(report), number.ToString(CultureInfo.InvariantCulture), started.ToString("O", CultureInfo.InvariantCulture),
            seconds.ToString("F3", CultureInfo.InvariantCulture), outcome.Kind, outcome.Status.ToString(CultureInfo.InvariantCulture), IdText(outcome.Id), Clean(outcome.Detail)));

    public void Final(string key, GeneratedReport report, int attempts, string outcome, Guid? id) =>
        Write(string.Join('\t', "final", key, Identity(report), attempts.ToString(CultureInfo.InvariantCulture), outcome, IdText(id), report.ContentHash));

    public void Dispose() => writer.Dispose();

    private void Write(string line)
    {
        lock (gate)
        {
            writer.WriteLine(line);
        }
    }

    private static string Identity(GeneratedReport r) =>
        string.Join('\t', r.Index.ToString(CultureInfo.InvariantCulture), r.CreditCode, r.Year.ToString(CultureInfo.InvariantCulture), r.Format, r.Region);

    private static string IdText(Guid? id) => id?.ToString() ?? "-";

    private static string Clean(string text)
    {
        var flat = text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }

    public static Dictionary<string, LedgerEntry> Read(string path)
    {
        var entries = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var f = line.Split('\t');
            var key = f[1];
            if (!entries.TryGetValue(key, out var entry))
            {
                entry = new LedgerEntry
                {
                    Key = key,
                    Index = int.Parse(f[2], CultureInfo.InvariantCulture),
                    CreditCode = f[3],
                    Year = int.Parse(f[4], CultureInfo.InvariantCulture),
                    Format = f[5],
                    Region = f[6],
                };
                entries.Add(key, entry);
            }

            if (f[0] == "attempt")
            {
                entry.Attempts.Add(new LedgerAttempt(int.Parse(f[7], CultureInfo.InvariantCulture), DateTimeOffset.Parse(f[8], CultureInfo.InvariantCulture),
                    f[10], int.Parse(f[11], CultureInfo.InvariantCulture), f[12] == "-" ? null : Guid.Parse(f[12]), f.Length > 13 ? f[13] : ""));
            }
            else if (f[0] == "final")
            {
                entry.Final = f[8];
                entry.FinalId = f[9] == "-" ? null : Guid.Parse(f[9]);
                entry.ContentHash = f[10];
            }
            else
            {
                throw new FormatException($"unknown ledger line: {line}");
            }
        }

        return entries;
    }
}
