using System.Globalization;
using System.Text;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>
/// One generated request, raw: the method, the path as it would appear on the request line (percent-encoded,
/// possibly garbage), the query string with its leading '?', headers and body bytes. Header values that name a
/// token kind (<see cref="TokenKind"/>) are resolved when the request is sent.
/// </summary>
public sealed record FuzzRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyList<FuzzHeader> Headers,
    byte[]? Body,
    bool Chunked,
    string Note)
{
    /// <summary>Writes to the database when it succeeds: the only requests that may change the row counts.</summary>
    public WriteKind Write => (Method, Path) switch
    {
        ("POST", "/v1/reports") => WriteKind.Submit,
        ("POST", "/v1/reports/batch") => WriteKind.Batch,
        ("PUT", _) when Path.StartsWith("/v1/reports/", StringComparison.Ordinal) => WriteKind.Correct,
        ("POST", "/v1/agencies/batch") => WriteKind.AgencyBatch,
        ("PUT", _) when Path.StartsWith("/v1/agencies/", StringComparison.Ordinal) => WriteKind.RegisterAgency,
        ("POST", _) when Path.StartsWith("/v1/reports/", StringComparison.Ordinal) && Path.EndsWith("/reviews", StringComparison.Ordinal) => WriteKind.Review,
        ("PUT" or "DELETE", _) when Path.StartsWith("/v1/period-locks/", StringComparison.Ordinal) => WriteKind.Lock,
        _ => WriteKind.None,
    };

    /// <summary>Everything the client sent, as text: a marker found here and echoed back is not a leak.</summary>
    public string SentText(string? authorization) =>
        Path + Query + string.Concat(Headers.Select(h => h.Name + h.Value)) + authorization
        + (Body is null ? "" : Encoding.UTF8.GetString(Body));

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Method} {Shorten(Path, 300)}{Shorten(Query, 300)} [{Note}]");
        foreach (var header in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {(header.Token is null ? $"{header.Name}: {Shorten(header.Value, 200)}" : header.ToString())}");
        }

        if (Body is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  body ({Body.Length} bytes{(Chunked ? ", chunked" : "")}): {Preview(Body, 600)}");
        }

        return text.ToString();
    }

    private static string Shorten(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"…(+{text.Length - max} chars)");

    /// <summary>The first bytes, printable ASCII as is and everything else as \xNN.</summary>
    private static string Preview(byte[] body, int max)
    {
        var text = new StringBuilder();
        foreach (var b in body.AsSpan(0, Math.Min(max, body.Length)))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return body.Length > max ? text.Append(CultureInfo.InvariantCulture, $"…(+{body.Length - max} bytes)").ToString() : text.ToString();
    }
}

public sealed record FuzzHeader(string Name, string Value, TokenKind? Token = null)
{
    public override string ToString() => Token is { } kind ? $"{Name}: <{kind} token>" : $"{Name}: {Value}";
}

public enum WriteKind
{
    None,
    Submit,
    Correct,
    Batch,
    /// <summary>PUT /v1/agencies/{creditCode}: one agency row written or unchanged, no report rows.</summary>
    RegisterAgency,
    /// <summary>POST /v1/agencies/batch: as many agency rows as lines created, no report rows.</summary>
    AgencyBatch,

    /// <summary>A review: one review event and its audit event.</summary>
    Review,

    /// <summary>A period lock set or removed: one event in the lock history.</summary>
    Lock,
}

/// <summary>What an Authorization header carries. Tokens are minted when the request is sent.</summary>
public enum TokenKind
{
    /// <summary>Three base64url parts that are no JWT.</summary>
    Garbage,
    Expired,
    WrongKey,
    WrongAudience,
    /// <summary>A well-formed token with alg "none".</summary>
    Unsigned,
    ValidReadOnly,
    /// <summary>reports:write and agencies:write for every region: reaches the checks and the database.</summary>
    ValidWriter,
    /// <summary>reports:write for one credit code only: most writes are refused per agency.</summary>
    NarrowWriter,

    /// <summary>reports:review (and reports:read) for every region: reaches the reviews.</summary>
    Reviewer,

    /// <summary>periods:lock: reaches the period locks.</summary>
    Administrator,
}
