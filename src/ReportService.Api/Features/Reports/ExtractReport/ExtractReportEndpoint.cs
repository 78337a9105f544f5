using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Extraction;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Reports.ExtractReport;

/// <summary>What the caller knows that the published text may not say (the text rarely prints a credit code).</summary>
public sealed class ExtractReportRequest
{
    /// <summary>统一社会信用代码 of the agency: put into the draft.</summary>
    public string? CreditCode { get; init; }

    /// <summary>The agency's region code, when the name does not tell it (or tells several).</summary>
    public string? RegionCode { get; init; }

    /// <summary>行政层级, when the name does not tell it: national, province, city, county, township.</summary>
    public AgencyLevel? Level { get; init; }

    /// <summary>机关类型, when the name does not tell it: government, department, other.</summary>
    public AgencyKind? Kind { get; init; }

    /// <summary>报告范围: agency (default) or regionAggregate.</summary>
    public ReportScope? Scope { get; init; }
}

/// <summary>A published report read back as data, with the source of every number.</summary>
public sealed class ExtractReportResponse
{
    /// <summary>False when the document holds nothing of a report (then the answer is a 422 instead).</summary>
    public required bool Recognized { get; init; }

    /// <summary>True when any cell was not plainly read (inferred, missing, ambiguous) or anything was warned about: a person should look.</summary>
    public required bool NeedsReview { get; init; }

    /// <summary>The draft in the report JSON (a <c>Report</c> when complete): every cell read, with the caller's values put in.</summary>
    public required JsonObject Report { get; init; }

    /// <summary>Format, year, publication date, agency name, region, level and kind: each with its status and where it was read.</summary>
    public required IReadOnlyDictionary<string, object?> Fields { get; init; }

    /// <summary>Every statutory cell: its JSON pointer in the report, status (read, inferred, missing, ambiguous), value, candidates and source.</summary>
    public required IReadOnlyList<ExtractedCell> Cells { get; init; }

    /// <summary>What the reader noticed (a row cut short, a total that does not add up, …).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>
    /// The statutory rules run on the draft, as POST /v1/reports/validate would (without the cross-year rules); null
    /// when the draft is not yet a report (`problem` says what is missing).
    /// </summary>
    public IReadOnlyList<RuleViolation>? Violations { get; init; }

    /// <summary>Why the draft does not read as a report yet (a missing level or kind: send it as a query value), or null.</summary>
    public string? Problem { get; init; }
}

/// <summary>Reads its body (text, HTML or PDF) itself, with a size limit, so its request DTO is the query only.</summary>
internal sealed class ExtractReportEndpoint(DivisionIndex divisions, ReportValidator validator)
    : Endpoint<ExtractReportRequest, Results<Ok<ExtractReportResponse>, ProblemHttpResult>>
{
    public const string Route = "/extract";

    /// <summary>
    /// The bytes of a document: ReportExtractor.MaxLength characters of CJK text in UTF-8, and room for HTML markup;
    /// as much as a PDF may have (ReportExtractor.MaxPdfBytes).
    /// </summary>
    public const long MaxBodyBytes = ReportExtractor.MaxPdfBytes;

    public static readonly string[] AcceptedMediaTypes = ["text/plain", "text/html", "application/pdf"];

    public override void Configure()
    {
        Post(Route);
        Group<ReportsGroup>();
        RequestBinder(new QueryBinder<ExtractReportRequest>());
        Description(b => b.WithName("ExtractReport").RequirePolicy(AccessPolicies.Write)
            .Accepts<string>(AcceptedMediaTypes[0], AcceptedMediaTypes[1..])
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Read a published report (text, HTML page or PDF) back as data";
            s.Description = "The published 政府信息公开工作年度报告 as plain text (e.g. copied from a PDF), as its web page, or as the PDF itself " +
                "(with a text layer: scans are not read): answers the report JSON draft, the status and source (offsets, line, printed text; " +
                "table/row/cell for HTML; page and box in points for PDF) of every cell, and the statutory rules run on the draft. Nothing is " +
                "stored: submit the draft (checked by a person where needsReview) with POST /v1/reports. Limits: 8 MiB, 2,000,000 characters, " +
                $"{ReportExtractor.MaxPdfPages} PDF pages; an encrypted, damaged or image-only PDF is a 422 that says which.";
        });
    }

    public override async Task<Results<Ok<ExtractReportResponse>, ProblemHttpResult>> ExecuteAsync(ExtractReportRequest req, CancellationToken ct)
    {
        var request = HttpContext.Request;
        if (MediaTypes.Unsupported(request, AcceptedMediaTypes, "Send the published report as text/plain or text/html (UTF-8), or application/pdf") is { } unsupported)
        {
            return unsupported;
        }

        var mediaType = MediaTypes.Of(request);

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (body.Length > MaxBodyBytes)
        {
            return TooLarge();
        }

        ExtractionResult result;
        if (mediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                result = ReportExtractor.FromPdf(body, divisions);
            }
            catch (UnreadableDocumentException ex)
            {
                return ex.Reason is UnreadableReason.TooManyPages or UnreadableReason.TooLarge
                    ? TypedResults.Problem(title: "Request body too large", detail: ex.Message, statusCode: StatusCodes.Status413PayloadTooLarge)
                    : TypedResults.Problem(title: "The PDF cannot be read", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
                        extensions: new Dictionary<string, object?> { ["reason"] = JsonNamingPolicy.CamelCase.ConvertName(ex.Reason.ToString()) });
            }
        }
        else
        {
            string document;
            try
            {
                document = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
            }
            catch (DecoderFallbackException)
            {
                return TypedResults.Problem(title: "The body is not UTF-8", detail: "Send the document as UTF-8 text.", statusCode: StatusCodes.Status400BadRequest);
            }

            if (document.Length > ReportExtractor.MaxLength)
            {
                return TooLarge();
            }

            result = mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                ? ReportExtractor.FromHtml(document, divisions)
                : ReportExtractor.FromText(document, divisions);
        }

        if (!result.Recognized)
        {
            return TypedResults.Problem(title: "Not a report",
                detail: "Nothing of an annual report on government information disclosure was found: no table row, no section heading.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                type: "https://report-service/problems/not-a-report");
        }

        var overrides = new ExtractionOverrides
        {
            CreditCode = req.CreditCode,
            RegionCode = req.RegionCode,
            Level = req.Level,
            Kind = req.Kind,
            Scope = req.Scope,
        };
        IReadOnlyList<RuleViolation>? violations = null;
        string? problem = null;
        switch (result.ToReport(overrides))
        {
            case ReportReadResult.Parsed parsed:
                violations = RuleViolation.From(validator.Check(new ReportUnderReview(parsed.Report, null)), Languages.Preferred(request));
                break;
            case ReportReadResult.Malformed malformed:
                problem = malformed.Pointer is null ? malformed.Detail : $"{malformed.Pointer}: {malformed.Detail}";
                break;
            case ReportReadResult.WrongFormat wrong:
                violations = RuleViolation.From([wrong.Violation], Languages.Preferred(request));
                break;
        }

        return TypedResults.Ok(new ExtractReportResponse
        {
            Recognized = true,
            NeedsReview = result.NeedsReview,
            Report = result.ToReportJson(overrides),
            Fields = new Dictionary<string, object?>
            {
                ["format"] = result.Format,
                ["year"] = result.Year,
                ["publishedOn"] = result.PublishedOn,
                ["agencyName"] = result.AgencyName,
                ["region"] = result.Region,
                ["level"] = result.Level,
                ["kind"] = result.Kind,
            },
            Cells = result.Cells,
            Warnings = result.Warnings,
            Violations = violations,
            Problem = problem,
        });
    }

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        title: "Request body too large",
        detail: $"A document may have at most {MaxBodyBytes} bytes and {ReportExtractor.MaxLength} characters.",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
