using System.Text.Json;
using System.Text.RegularExpressions;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Json;

/// <summary>The outcome of reading a submitted body.</summary>
public abstract record ReportReadResult
{
    private ReportReadResult()
    {
    }

    /// <summary>A report of a known format, ready for the rules.</summary>
    public sealed record Parsed(Report Report) : ReportReadResult;

    /// <summary>Not JSON, or JSON of the wrong shape or types: the client gets 400.</summary>
    /// <param name="Detail">What is wrong, in English, naming the pointer and what was expected.</param>
    /// <param name="Pointer">The JSON pointer of the offending value, when known.</param>
    public sealed record Malformed(string Detail, string? Pointer) : ReportReadResult;

    /// <summary>Well-formed JSON whose <c>format</c> is missing, unknown, or not the shape of the body: REPORT.FORMAT.</summary>
    public sealed record WrongFormat(Violation Violation) : ReportReadResult;
}

/// <summary>
/// Reads a report body: finds <c>format</c>, then reads the body strictly as that format. A body labelled
/// with one format but shaped as the other is reported as REPORT.FORMAT rather than as a list of unknown
/// properties, because that is what the submitter has to fix.
/// </summary>
public static partial class ReportReader
{
    private static readonly JsonReaderOptions PeekOptions = new() { MaxDepth = ReportJson.MaxDepth };

    /// <summary>Reads a UTF-8 body.</summary>
    public static ReportReadResult Read(ReadOnlySpan<byte> utf8)
    {
        string? format;
        try
        {
            if (!TryPeekFormat(utf8, out format, out var malformed))
            {
                return malformed!;
            }
        }
        catch (JsonException ex)
        {
            return new ReportReadResult.Malformed($"The body is not valid JSON: {Position(ex)}.", null);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader checks a string's UTF-8 and escapes only when the string is decoded (GetString,
            // ValueTextEquals): raw invalid UTF-8 or an escaped unpaired surrogate such as \ud800 throws this.
            return new ReportReadResult.Malformed("The body is not valid JSON: a string or property name is not valid UTF-8 or has an unpaired surrogate (\\ud800 to \\udfff).", null);
        }

        var type = format switch
        {
            ReportFormats.Format2021 => typeof(Report2021),
            ReportFormats.Format2019 => typeof(Report2019),
            _ => null,
        };
        if (type is null)
        {
            return new ReportReadResult.WrongFormat(FormatViolation(format is null
                ? new("报告缺少格式版本format，应为\"2019\"或\"2021\"", "The report has no format: it must be \"2019\" or \"2021\"")
                : new($"格式版本\"{format}\"无效，应为\"2019\"或\"2021\"", $"Unknown format \"{format}\": it must be \"2019\" or \"2021\""), format));
        }

        try
        {
            return new ReportReadResult.Parsed((Report)JsonSerializer.Deserialize(utf8, type, ReportJson.Options)!);
        }
        catch (JsonException ex)
        {
            var other = type == typeof(Report2021) ? typeof(Report2019) : typeof(Report2021);
            if (ParsesAs(utf8, other))
            {
                var shape = other == typeof(Report2021) ? ReportFormats.Format2021 : ReportFormats.Format2019;
                return new ReportReadResult.WrongFormat(FormatViolation(new(
                    $"报告标为{format}格式，但表格结构是{shape}格式",
                    $"The report says format {format} but its tables have the shape of format {shape}"), format));
            }

            return Describe(ex, type);
        }
    }

    private static bool TryPeekFormat(ReadOnlySpan<byte> utf8, out string? format, out ReportReadResult? malformed)
    {
        format = null;
        malformed = null;
        var reader = new Utf8JsonReader(utf8, PeekOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            malformed = new ReportReadResult.Malformed("The body must be a JSON object (a report).", "");
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TooLong(ref reader, utf8, out malformed))
            {
                return false;
            }

            var isFormat = reader.ValueTextEquals("format"u8);
            reader.Read();
            if (isFormat)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    malformed = new ReportReadResult.Malformed("/format must be a string: \"2019\" or \"2021\".", "/format");
                    return false;
                }

                format = reader.GetString();
            }

            // Skip the value, checking the length of every string in it.
            var depth = reader.CurrentDepth;
            if (TooLong(ref reader, utf8, out malformed))
            {
                return false;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                while (reader.Read() && !(reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray))
                {
                    if (TooLong(ref reader, utf8, out malformed))
                    {
                        return false;
                    }
                }
            }
        }

        // Read to the end so that a truncated body is reported as not JSON, not as a missing format.
        while (reader.Read())
        {
        }

        return true;
    }

    /// <summary>A string the service cannot store: longer than the limit, or with U+0000, which PostgreSQL keeps in neither text nor jsonb.</summary>
    private static bool TooLong(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, out ReportReadResult? malformed)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            // U+0000 can only arrive escaped: a raw NUL byte is not JSON.
            var problem = reader.ValueSpan.Length > ReportJson.MaxStringBytes ? $"is longer than {ReportJson.MaxStringBytes} bytes"
                : reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal) ? "contains U+0000 (\\u0000), which cannot be stored"
                : null;
            if (problem is not null)
            {
                var at = PointerAt(utf8, reader.TokenStartIndex);
                var what = reader.TokenType == JsonTokenType.PropertyName ? "A property name" : "The string";
                malformed = new ReportReadResult.Malformed($"{what} at {(at.Length == 0 ? "the top level" : at)} {problem}.", at);
                return true;
            }
        }

        malformed = null;
        return false;
    }

    /// <summary>The RFC 6901 pointer of the value (or property name) that starts at a byte offset.</summary>
    private static string PointerAt(ReadOnlySpan<byte> utf8, long offset)
    {
        var reader = new Utf8JsonReader(utf8, PeekOptions);
        var containers = new Stack<(bool IsArray, int Next, string? Segment)>();
        var path = new List<string>();
        while (reader.Read())
        {
            string? segment = null;
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                segment = reader.GetString()!;
                if (reader.TokenStartIndex == offset || !reader.Read())
                {
                    return Pointer(path, segment);
                }
            }
            else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                if (containers.Pop().Segment is not null)
                {
                    path.RemoveAt(path.Count - 1);
                }

                continue;
            }
            else if (containers.TryPeek(out var container) && container.IsArray)
            {
                containers.Pop();
                containers.Push(container with { Next = container.Next + 1 });
                segment = container.Next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (reader.TokenStartIndex == offset)
            {
                return Pointer(path, segment);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                containers.Push((reader.TokenType == JsonTokenType.StartArray, 0, segment));
                if (segment is not null)
                {
                    path.Add(segment);
                }
            }
        }

        return "";

        static string Pointer(List<string> path, string? last) =>
            string.Concat(path.Append(last).OfType<string>().Select(s => "/" + s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
    }

    private static bool ParsesAs(ReadOnlySpan<byte> utf8, Type type)
    {
        try
        {
            JsonSerializer.Deserialize(utf8, type, ReportJson.Options);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Violation FormatViolation(LocalizedText message, string? format) =>
        new(RuleIds.ReportFormat, RuleSeverity.Error, message, [new("/format", format, format is null)]);

    private static ReportReadResult.Malformed Describe(JsonException ex, Type root)
    {
        var pointer = ToPointer(ex.Path);
        var message = ex.Message;

        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            var at = Combine(pointer, unmapped.Groups[1].Value);
            return new($"Unknown property {at}: the report has no such field.", at);
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = missing.Groups[1].Value.Replace("'", "", StringComparison.Ordinal);
            var first = names.Split(',', StringSplitOptions.TrimEntries)[0];
            return new($"Missing required property {Combine(pointer, first)} ({names}).", Combine(pointer, first));
        }

        if (NullNotAllowed().Match(message) is { Success: true } isNull)
        {
            var at = Combine(pointer, isNull.Groups[1].Value);
            return new($"{at} must not be null: {ModelShape.Expectation(root, at)}.", at);
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return new($"The body is nested deeper than {ReportJson.MaxDepth} levels.", null);
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new($"The property {pointer} appears twice in the same object.", pointer);
        }

        if (ex.Path is null)
        {
            return new($"The body is not valid JSON: {Position(ex)}.", null);
        }

        return new($"The value at {pointer} is not valid: expected {ModelShape.Expectation(root, pointer)}.", pointer);
    }

    private static string Position(JsonException ex) =>
        ex.LineNumber is { } line ? $"line {line + 1}, byte {ex.BytePositionInLine + 1}" : "unexpected end or character";

    private static string Combine(string pointer, string name) =>
        pointer.EndsWith('/' + name) ? pointer : pointer.TrimEnd('/') + "/" + name;

    /// <summary>Turns System.Text.Json's <c>$.a.b[0]</c> into the RFC 6901 pointer <c>/a/b/0</c>.</summary>
    internal static string ToPointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        var pointer = path.TrimStart('$')
            .Replace("['", ".", StringComparison.Ordinal)
            .Replace("']", "", StringComparison.Ordinal)
            .Replace("[", ".", StringComparison.Ordinal)
            .Replace("]", "", StringComparison.Ordinal);
        return pointer.Replace('.', '/');
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties including: (.*)\\.$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("The property or field '([^']*)'.*doesn't allow (setting|getting) null")]
    private static partial Regex NullNotAllowed();
}
