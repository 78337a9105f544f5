using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Statutory.Json;

namespace ReportService.Api.Features.Reports;

/// <summary>
/// A report as it arrives: read with a hard size limit, then read strictly as its format. Binding never
/// throws for a client's mistake; the endpoint turns <see cref="Problem"/> into a 4xx.
/// </summary>
internal sealed class ReportBody : IBindsItself<ReportBody>
{
    private ReportBody(ReportReadResult? result, ProblemHttpResult? problem, byte[] utf8)
    {
        Result = result;
        Problem = problem;
        Utf8 = utf8;
    }

    /// <summary>The outcome of reading the JSON, or null when the body could not be read at all.</summary>
    public ReportReadResult? Result { get; }

    /// <summary>The 4xx answer when the body is not a readable report.</summary>
    public ProblemHttpResult? Problem { get; }

    /// <summary>The body as received.</summary>
    public byte[] Utf8 { get; }

    private static readonly string[] AcceptedMediaTypes = ["application/json"];

    public static async ValueTask<ReportBody> BindAsync(HttpContext context)
    {
        var request = context.Request;
        if (MediaTypes.Unsupported(request, AcceptedMediaTypes, "Send the report as application/json (UTF-8)", IsJson) is { } unsupported)
        {
            return Fail(unsupported);
        }

        if (request.ContentLength > RequestLimits.ReportBodyBytes)
        {
            return Fail(TooLarge());
        }

        byte[] utf8;
        try
        {
            var read = await ReadAtMostAsync(request.BodyReader, RequestLimits.ReportBodyBytes, context.RequestAborted);
            if (read is null)
            {
                return Fail(TooLarge());
            }

            utf8 = read;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail(TooLarge());
        }

        var result = ReportReader.Read(utf8);
        return new ReportBody(result, result is ReportReadResult.Malformed malformed ? Malformed(malformed) : null, utf8);
    }

    private static async Task<byte[]?> ReadAtMostAsync(PipeReader reader, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static ReportBody Fail(ProblemHttpResult problem) => new(null, problem, []);

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        title: "Request body too large",
        detail: $"A report body may have at most {RequestLimits.ReportBodyBytes} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static ProblemHttpResult Malformed(ReportReadResult.Malformed malformed) => TypedResults.Problem(
        title: "The body is not a report",
        detail: malformed.Detail,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: malformed.Pointer is null ? null : new Dictionary<string, object?> { ["pointer"] = malformed.Pointer });
}
