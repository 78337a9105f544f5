using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>What a batch's lines may carry besides their record, dropped before the record is read.</summary>
[Flags]
internal enum LineMarks
{
    None = 0,

    /// <summary>A UTF-8 byte order mark at the start of the body (spreadsheets write one before a CSV).</summary>
    ByteOrderMark = 1,

    /// <summary>RS (0x1E) before each record (application/json-seq, RFC 7464); it is never part of a JSON text.</summary>
    RecordSeparators = 2,
}

/// <summary>
/// The body of a bulk endpoint (reports, agencies) as its lines: read as it arrives with a hard size limit, split at
/// LF (CRLF too), blank lines skipped, every line numbered from 1 as a person counts them in the file, so that each
/// answer can name its line.
/// </summary>
internal static class LineBatch
{
    /// <summary>The non-blank lines with their 1-based numbers, or null when the body is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<List<(int Line, byte[] Utf8)>?> ReadAsync(HttpRequest request, long maxBytes, LineMarks marks, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        try
        {
            return await ReadLinesAsync(request.BodyReader, maxBytes, marks, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit (RequestSizeLimit) came first.
            return null;
        }
    }

    /// <summary>The 413 of a body larger than <paramref name="maxBytes"/>.</summary>
    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(title: "Request body too large",
        detail: $"A batch may have at most {maxBytes} bytes; split it.", statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The 413 of a batch of more than <paramref name="maxLines"/> lines (of <paramref name="what"/>).</summary>
    public static ProblemHttpResult TooManyLines(int maxLines, string what) => TypedResults.Problem(title: "Too many lines",
        detail: $"A batch has at most {maxLines} {what}; split it.", statusCode: StatusCodes.Status413PayloadTooLarge);

    private static async Task<List<(int Line, byte[] Utf8)>?> ReadLinesAsync(System.IO.Pipelines.PipeReader reader, long maxBytes, LineMarks marks, CancellationToken cancellationToken)
    {
        var lines = new List<(int, byte[])>();
        var number = 0;
        long consumed = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (consumed + buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                Add(buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            if (read.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    Add(buffer);
                }

                reader.AdvanceTo(buffer.End);
                return lines;
            }

            consumed += read.Buffer.Length - buffer.Length;
            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        void Add(ReadOnlySequence<byte> line)
        {
            number++;
            var bytes = line.ToArray().AsSpan().TrimEnd((byte)'\r');
            if (number == 1 && marks.HasFlag(LineMarks.ByteOrderMark) && bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..];
            }

            if (marks.HasFlag(LineMarks.RecordSeparators))
            {
                bytes = bytes.TrimStart((byte)0x1E);
            }

            if (!bytes.Trim(" \t"u8).IsEmpty)
            {
                lines.Add((number, bytes.ToArray()));
            }
        }
    }
}

/// <summary>How many of a batch's answered lines have each status: the counts of the answer, and its telemetry.</summary>
internal sealed class LineTally<TStatus>
    where TStatus : struct, Enum
{
    private readonly Dictionary<TStatus, int> _counts = [];

    public LineTally(IEnumerable<TStatus> statuses)
    {
        foreach (var status in statuses)
        {
            _counts[status] = _counts.GetValueOrDefault(status) + 1;
        }
    }

    public int this[TStatus status] => _counts.GetValueOrDefault(status);

    /// <summary>Adds each status's count to the counter, tagged <paramref name="tag"/> = the status's contract name, besides <paramref name="tags"/>.</summary>
    public void Record(Counter<long> counter, string tag, params KeyValuePair<string, object?>[] tags)
    {
        foreach (var (status, count) in _counts)
        {
            counter.Add(count, [new KeyValuePair<string, object?>(tag, ContractEnums.Name(status)), .. tags]);
        }
    }
}
