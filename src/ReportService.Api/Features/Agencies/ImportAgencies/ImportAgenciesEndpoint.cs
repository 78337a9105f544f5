using System.Text;
using System.Text.Json;
using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Agencies.ImportAgencies;

/// <summary>
/// Registers many agencies at once, from NDJSON (one registration per line) or CSV (a header row naming the
/// columns). Every line is answered on its own, as a bulk import of reports answers; the valid, granted lines are
/// written together in one statement and one transaction. Reads its body itself, so it has no request DTO.
/// </summary>
internal sealed class ImportAgenciesEndpoint(ReportsDbContext db, RegionDirectory regions, TimeProvider clock)
    : EndpointWithoutRequest<Results<Ok<ImportAgenciesResponse>, ProblemHttpResult>>
{
    public const string Route = "/batch";

    public const long MaxBodyBytes = 16L * 1024 * 1024;

    public const int MaxLines = 50_000;

    public static readonly string[] AcceptedMediaTypes = ["application/x-ndjson", "application/jsonl", "text/csv"];

    /// <summary>The CSV columns, named as the JSON fields (case-insensitive); creditCode is required, the others as for PUT.</summary>
    public static readonly string[] CsvColumns = ["creditCode", "name", "regionCode", "level", "kind", "firstYear", "lastYear"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override void Configure()
    {
        Post(Route);
        Group<AgenciesGroup>();
        Description(b => b.WithName("ImportAgencies").RequirePolicy(AccessPolicies.WriteAgencies)
            .Accepts<ImportAgencyLine>(AcceptedMediaTypes[0], AcceptedMediaTypes[1..])
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Register many agencies (NDJSON or CSV)";
            s.Description = "One registration per line: NDJSON (application/x-ndjson: a JSON object with creditCode and the fields of PUT " +
                "/v1/agencies/{creditCode}) or CSV (text/csv, UTF-8: a header row naming the columns creditCode, name, regionCode, level, kind, " +
                "firstYear, lastYear; lastYear may be empty). Up to 50,000 lines and 16 MiB. Each line is an unconditional PUT, answered on its " +
                "own: created, replaced, unchanged, rejected (problem and pointer name the field), forbidden (the token's region prefixes do not " +
                "cover the agency) or duplicate (an earlier line has the same credit code). The other lines are stored together; 200 whatever the mix.";
        });
    }

    public override async Task<Results<Ok<ImportAgenciesResponse>, ProblemHttpResult>> ExecuteAsync(CancellationToken ct)
    {
        var request = HttpContext.Request;
        if (MediaTypes.Unsupported(request, AcceptedMediaTypes, "Send one registration per line as " + string.Join(", ", AcceptedMediaTypes)) is { } unsupported)
        {
            return unsupported;
        }

        if (await LineBatch.ReadAsync(request, MaxBodyBytes, LineMarks.ByteOrderMark, ct) is not { } lines)
        {
            return LineBatch.TooLarge(MaxBodyBytes);
        }

        var csv = MediaTypes.Of(request).Equals("text/csv", StringComparison.OrdinalIgnoreCase);
        if (lines.Count == 0 || (csv && lines.Count == 1))
        {
            return TypedResults.Problem(title: "Empty batch",
                detail: csv ? "The body holds no registration: send a header row, then one agency per line." : "The body holds no registration: send one JSON object per line.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (lines.Count > MaxLines)
        {
            return LineBatch.TooManyLines(MaxLines, "lines");
        }

        List<(int Line, ImportAgencyLine? Agency, AgencyFieldProblem? Problem)> read;
        if (csv)
        {
            if (ReadHeader(lines[0].Utf8) is not { } columns)
            {
                return TypedResults.Problem(title: "Bad request",
                    detail: "The first line of a CSV batch names its columns: creditCode (required), name, regionCode, level, kind, firstYear, lastYear, each once, and no other.",
                    statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["pointer"] = "/", ["line"] = lines[0].Line });
            }

            read = [.. lines.Skip(1).Select(l => (l.Line, ReadCsv(l.Utf8, columns, out var problem), problem))];
        }
        else
        {
            read = [.. lines.Select(l => (l.Line, ReadJson(l.Utf8, out var problem), problem))];
        }

        var caller = Caller.From(HttpContext.User);
        var answers = new ImportAgencyResult?[read.Count];
        var valid = new List<(int Index, CheckedAgency Agency)>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < read.Count; i++)
        {
            var (line, agency, problem) = read[i];
            CheckedAgency? checkedAgency = null;
            if (problem is null)
            {
                (checkedAgency, problem) = AgencyRecords.Check(agency!.CreditCode ?? "", agency, regions);
            }

            var creditCode = agency?.CreditCode is { Length: <= 40 } code ? code : null;
            if (problem is not null)
            {
                answers[i] = new ImportAgencyResult { Line = line, Status = ImportAgencyStatus.Rejected, CreditCode = creditCode, Problem = problem.Detail, Pointer = "/" + problem.Field };
            }
            else if (!caller.MayRegisterAgency(checkedAgency!.RegionCode))
            {
                answers[i] = Forbidden(line, caller, checkedAgency.CreditCode, checkedAgency.RegionCode);
            }
            else if (firstLine.TryGetValue(checkedAgency.CreditCode, out var earlier))
            {
                answers[i] = new ImportAgencyResult { Line = line, Status = ImportAgencyStatus.Duplicate, CreditCode = checkedAgency.CreditCode, DuplicateOfLine = earlier };
            }
            else
            {
                firstLine[checkedAgency.CreditCode] = line;
                valid.Add((i, checkedAgency));
            }
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var lineOf = valid.ToDictionary(v => v.Agency.CreditCode, v => read[v.Index].Line, StringComparer.Ordinal);
        // Moving an agency out of another office's area is that office's decision.
        var outcomes = await AgencyStore.RegisterAsync(connection, [.. valid.Select(v => v.Agency)], (agency, current) =>
            current is not null && !caller.MayRegisterAgency(current.RegionCode) ? Forbidden(lineOf[agency.CreditCode], caller, agency.CreditCode, current.RegionCode) : null,
            caller, clock.GetUtcNow(), ct);
        // Not cancellable: registrations acknowledged to nobody must not be half-known (ADR 12).
        await transaction.CommitAsync(CancellationToken.None);

        foreach (var (index, agency) in valid)
        {
            var (write, version, _, refusal) = outcomes[agency.CreditCode];
            answers[index] = refusal ?? new ImportAgencyResult
            {
                Line = read[index].Line,
                Status = write switch
                {
                    AgencyWrite.Created => ImportAgencyStatus.Created,
                    AgencyWrite.Replaced => ImportAgencyStatus.Replaced,
                    _ => ImportAgencyStatus.Unchanged,
                },
                CreditCode = agency.CreditCode,
                Href = AgencyRecords.Location(agency.CreditCode),
                Version = version,
            };
        }

        var all = answers.Select(a => a!).ToList();
        var tally = new LineTally<ImportAgencyStatus>(all.Select(a => a.Status));
        tally.Record(Telemetry.AgenciesRegistered, "outcome", new KeyValuePair<string, object?>("operation", "batch"));
        return TypedResults.Ok(new ImportAgenciesResponse
        {
            Created = tally[ImportAgencyStatus.Created],
            Replaced = tally[ImportAgencyStatus.Replaced],
            Unchanged = tally[ImportAgencyStatus.Unchanged],
            Rejected = tally[ImportAgencyStatus.Rejected],
            Forbidden = tally[ImportAgencyStatus.Forbidden],
            Duplicates = tally[ImportAgencyStatus.Duplicate],
            Lines = all,
        });
    }

    private static ImportAgencyResult Forbidden(int line, Caller caller, string creditCode, string regionCode) => new()
    {
        Line = line,
        Status = ImportAgencyStatus.Forbidden,
        CreditCode = creditCode,
        Problem = caller.AgencyForbiddenDetail(creditCode, regionCode),
    };

    private static ImportAgencyLine? ReadJson(byte[] utf8, out AgencyFieldProblem? problem)
    {
        problem = null;
        try
        {
            var line = JsonSerializer.Deserialize<ImportAgencyLine>(utf8, ReportJson.Options);
            if (line is null)
            {
                problem = new AgencyFieldProblem("", "The line is not a JSON object: send one registration (creditCode, name, regionCode, level, kind, firstYear, lastYear) per line.");
            }

            return line;
        }
        catch (JsonException ex)
        {
            var pointer = FastEndpointsSetup.Pointer(ex.Path);
            problem = new AgencyFieldProblem(pointer.TrimStart('/'), pointer.Length == 0
                ? "The line is not a JSON object of a registration (creditCode, name, regionCode, level, kind, firstYear, lastYear), or it has a field of another name."
                : $"The value at {pointer} is not valid there (wrong JSON type, not one of the allowed values, or not a field of a registration).");
            return null;
        }
    }

    /// <summary>The column index of each field, or null when the header names an unknown column, a column twice, or no creditCode.</summary>
    private static Dictionary<string, int>? ReadHeader(byte[] utf8)
    {
        if (Fields(utf8) is not { } names)
        {
            return null;
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var known = CsvColumns.FirstOrDefault(c => c.Equals(names[i].Trim(), StringComparison.OrdinalIgnoreCase));
            if (known is null || !columns.TryAdd(known, i))
            {
                return null;
            }
        }

        return columns.ContainsKey("creditCode") ? columns : null;
    }

    private static ImportAgencyLine? ReadCsv(byte[] utf8, Dictionary<string, int> columns, out AgencyFieldProblem? problem)
    {
        problem = null;
        if (Fields(utf8) is not { } fields)
        {
            problem = new AgencyFieldProblem("", "The line is not a CSV record: it is not UTF-8, or a quoted field is not closed on the line.");
            return null;
        }

        if (fields.Count != columns.Count)
        {
            problem = new AgencyFieldProblem("", $"The line has {fields.Count} fields; the header names {columns.Count} columns.");
            return null;
        }

        string? Text(string column) => columns.TryGetValue(column, out var i) && fields[i].Trim() is { Length: > 0 } value ? value : null;
        foreach (var column in new[] { "firstYear", "lastYear" })
        {
            if (Text(column) is { } text && !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                problem = new AgencyFieldProblem(column, $"{column} must be a year (four digits).");
                return null;
            }
        }

        AgencyLevel? level = null;
        if (Text("level") is { } levelText)
        {
            if (!ContractEnums.TryParse<AgencyLevel>(levelText, out var parsed))
            {
                problem = new AgencyFieldProblem("level", "level must be one of " + ContractEnums.Names<AgencyLevel>() + ".");
                return null;
            }

            level = parsed;
        }

        AgencyKind? kind = null;
        if (Text("kind") is { } kindText)
        {
            if (!ContractEnums.TryParse<AgencyKind>(kindText, out var parsed))
            {
                problem = new AgencyFieldProblem("kind", "kind must be department or other.");
                return null;
            }

            kind = parsed;
        }

        return new ImportAgencyLine
        {
            CreditCode = Text("creditCode"),
            Name = Text("name"),
            RegionCode = Text("regionCode"),
            Level = level,
            Kind = kind,
            FirstYear = Text("firstYear") is { } first ? int.Parse(first, System.Globalization.CultureInfo.InvariantCulture) : null,
            LastYear = Text("lastYear") is { } last ? int.Parse(last, System.Globalization.CultureInfo.InvariantCulture) : null,
        };
    }

    /// <summary>The fields of one CSV record (RFC 4180 quoting, on one line), or null when it is not UTF-8 or a quote is not closed.</summary>
    private static List<string>? Fields(byte[] utf8)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields;
    }
}
