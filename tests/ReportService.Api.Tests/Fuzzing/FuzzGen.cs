using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using ReportService.TestSupport;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>A stored report the fuzzer may read and correct: its id and the seed fixture it was submitted from.</summary>
public sealed record StoredReport(Guid Id, string Seed);

/// <summary>
/// FsCheck generators of malformed and adversarial requests. Everything is drawn from the generator's random
/// source, so a seed fixes the whole sequence of requests.
/// </summary>
public sealed class FuzzGen(IReadOnlyList<ApiOperation> surface, IReadOnlyList<StoredReport> stored, bool withTokens, IReadOnlyList<Guid>? reviewable = null)
{
    private const int BodyLimit = 1024 * 1024;

    private static readonly string[] KnownPointers =
    [
        "/year", "/publishedOn", "/activeDisclosure/fees/amount", "/agency/creditCode", "/agency/regionCode", "/agency/name",
        "/agency/level", "/agency/kind", "/agency/scope", "/text/overview", "/text/otherMatters", "/requests/received/total",
        "/requests/received/naturalPerson", "/appeals/reconsideration/total", "/format",
    ];

    // ---------------------------------------------------------------- building blocks

    private static Gen<T> Pick<T>(IReadOnlyList<T> items) => Gen.Elements(items.ToArray());

    private static Gen<bool> Chance(int percent) => Gen.Choose(1, 100).Select(n => n <= percent);

    private static Gen<int> Int => Gen.Choose(0, int.MaxValue - 1);

    // ---------------------------------------------------------------- report bodies

    /// <summary>A report to start from: a seed fixture, a generated valid report, or a valid one with counts at int.MaxValue.</summary>
    public static Gen<JsonNode> BaseReport { get; } = Gen.Frequency(
        (3, Gen.Elements(Seeds.All.ToArray()).Select(s => (JsonNode)Seeds.Json(s))),
        (4, from seed in Int from format in Gen.Elements("2019", "2021") select (JsonNode)ReportGenerator.Generate(new Random(seed), format)),
        (2, from seed in Int from max in Gen.Elements(int.MaxValue, int.MaxValue - 1) select (JsonNode)BigValid(seed, max)));

    /// <summary>A valid report whose natural-person and total columns, and every appeal group, are at <paramref name="max"/>.</summary>
    public static JsonObject BigValid(int seed, int max)
    {
        var report = ReportGenerator.Generate(new Random(seed), "2021");
        var mutator = new JsonMutator(report);
        foreach (var slot in mutator.Slots(n => n is JsonValue v && v.TryGetValue<int>(out _)))
        {
            if (slot.Pointer.StartsWith("/requests/", StringComparison.Ordinal) || slot.Pointer.StartsWith("/appeals/", StringComparison.Ordinal))
            {
                slot.Set(0);
            }
        }

        foreach (var row in new[] { "received", "outcomes/disclosed", "outcomes/total" })
        {
            report.Set($"/requests/{row}/naturalPerson", max).Set($"/requests/{row}/total", max);
        }

        foreach (var group in new[] { "reconsideration", "litigationDirect", "litigationAfterReconsideration" })
        {
            report.Set($"/appeals/{group}/upheld", max).Set($"/appeals/{group}/total", max);
        }

        return report;
    }

    /// <summary>One edit of a report; applied in order, deterministically, by <see cref="Apply"/>.</summary>
    public sealed record Mutation(string Kind, int Pick, byte[] Token, int Depth, byte[]? Key = null)
    {
        public override string ToString() =>
            $"{Kind}#{Pick}({(Key is null ? "" : Show(Key) + ": ")}{Show(Token)}{(Depth > 0 ? $", depth {Depth}" : "")})";

        private static string Show(byte[] token) =>
            Encoding.UTF8.GetString(token.AsSpan(0, Math.Min(40, token.Length))) + (token.Length > 40 ? $"…({token.Length} bytes)" : "");
    }

    private static readonly Gen<byte[]> AnyValue = Gen.Elements(Vocabulary.Values);
    private static readonly Gen<byte[]> AnyNumber = Gen.Elements(Vocabulary.Numbers.Select(Vocabulary.Utf8).ToArray());
    private static readonly Gen<byte[]> AnyString = Gen.Elements(Vocabulary.Strings);
    private static readonly Gen<byte[]> AnyKey = Gen.Elements(
        [.. Vocabulary.Strings.Where(s => s.Length < 100), Vocabulary.Json("unknownField"), Vocabulary.Json("__proto__"), Vocabulary.Json("$type")]);

    public static Gen<Mutation> AnyMutation { get; } = Gen.Frequency(
        (4, from p in Int from t in AnyNumber select new Mutation("number", p, t, 0)),
        (4, from p in Int from t in AnyString select new Mutation("string", p, t, 0)),
        (2, from t in Gen.Elements([.. Vocabulary.Sql.Select(Vocabulary.Json), .. Vocabulary.Strings]) select new Mutation("every-string", 0, t, 0)),
        (3, from p in Int from t in AnyValue select new Mutation("value", p, t, 0)),
        (3, from p in Gen.Choose(0, KnownPointers.Length - 1) from t in AnyValue select new Mutation("pointer", p, t, 0)),
        (2, from p in Int select new Mutation("remove", p, [], 0)),
        (2, from p in Int from k in AnyKey from t in AnyValue select new Mutation("unknown-key", p, t, 0, k)),
        (2, from p in Int from t in AnyValue select new Mutation("duplicate-key", p, t, 0)),
        (3, from p in Int from t in Gen.Elements("2147483647", "2147483646", "-2147483648", "2147483648") select new Mutation("row-at", p, Vocabulary.Utf8(t), 0)),
        (1, from p in Int from d in Gen.Elements(33, 64, 1000, 10_000) from o in Gen.Elements(true, false) select new Mutation(o ? "nest-objects" : "nest-arrays", p, [], d)),
        (1, from t in Gen.Elements(Vocabulary.Values.Concat([Vocabulary.Json("2019"), Vocabulary.Json("2021"), Vocabulary.Json("2020")]).ToArray()) select new Mutation("format", 0, t, 0)));

    public static byte[] Apply(JsonNode report, IEnumerable<Mutation> mutations)
    {
        var m = new JsonMutator(report.DeepClone());
        foreach (var mutation in mutations)
        {
            var p = mutation.Pick;
            switch (mutation.Kind)
            {
                case "number":
                    At(m.Slots(n => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number), p)?.Set(m.Raw(mutation.Token));
                    break;
                case "string":
                    At(m.Slots(n => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String), p)?.Set(m.Raw(mutation.Token));
                    break;
                case "every-string":
                    foreach (var slot in m.Slots(n => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String))
                    {
                        if (slot.Pointer != "/format")
                        {
                            slot.Set(m.Raw(mutation.Token));
                        }
                    }

                    break;
                case "value":
                    At(m.Slots(n => n is not JsonObject), p)?.Set(m.Raw(mutation.Token));
                    break;
                case "pointer":
                    var segments = KnownPointers[p].Split('/', StringSplitOptions.RemoveEmptyEntries);
                    JsonNode? parent = m.Root;
                    foreach (var segment in segments[..^1])
                    {
                        parent = (parent as JsonObject)?[segment];
                    }

                    if (parent is JsonObject holder)
                    {
                        holder[segments[^1]] = m.Raw(mutation.Token);
                    }

                    break;
                case "remove":
                    At(m.Slots(_ => true), p)?.Remove();
                    break;
                case "unknown-key":
                    if (At(m.Objects(), p) is { } target)
                    {
                        target[m.RawKey(mutation.Key!)] = m.Raw(mutation.Token);
                    }

                    break;
                case "duplicate-key":
                    if (At(m.Objects(), p) is { Count: > 0 } withKeys)
                    {
                        var sibling = withKeys.ElementAt(p % withKeys.Count).Key;
                        withKeys[m.RawKey(Vocabulary.Json(sibling))] = m.Raw(mutation.Token);
                    }

                    break;
                case "row-at":
                    var rows = m.Objects().Where(o => o.Count > 0 && o.All(c => c.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number)).ToList();
                    if (At(rows, p) is { } row)
                    {
                        foreach (var key in row.Select(c => c.Key).ToList())
                        {
                            row[key] = m.Raw(mutation.Token);
                        }
                    }

                    break;
                case "nest-objects" or "nest-arrays":
                    At(m.Slots(_ => true), p)?.Set(m.Raw(Vocabulary.Nested(mutation.Depth, mutation.Kind == "nest-objects")));
                    break;
                case "format":
                    if (m.Root is JsonObject root)
                    {
                        root["format"] = m.Raw(mutation.Token);
                    }

                    break;
            }
        }

        return m.ToUtf8();
    }

    private static T? At<T>(IReadOnlyList<T> items, int pick) where T : class => items.Count == 0 ? null : items[pick % items.Count];

    /// <summary>Pads /text/overview (or a new field) so that the whole body has exactly the limit plus <paramref name="delta"/> bytes.</summary>
    public static byte[] PadTo(JsonNode report, int delta)
    {
        var m = new JsonMutator(report.DeepClone());
        var text = m.Root["text"] as JsonObject ?? (JsonObject)(m.Root["text"] = new JsonObject());
        text["overview"] = JsonValue.Create("@@PAD@@");
        var shell = m.ToUtf8();
        var marker = "\"@@PAD@@\""u8.ToArray();
        var at = shell.AsSpan().IndexOf(marker);
        var fill = Math.Max(0, BodyLimit + delta - (shell.Length - marker.Length) - 2);
        var padding = new byte[fill];
        for (var i = 0; i < fill; i++)
        {
            padding[i] = (byte)('a' + (i % 26));
        }

        return [.. shell.AsSpan(0, at), (byte)'"', .. padding, (byte)'"', .. shell.AsSpan(at + marker.Length)];
    }

    /// <summary>Bodies that are not a report at all, or a report broken at the byte level.</summary>
    public static Gen<byte[]> Garbage { get; } = Gen.Frequency(
        (3, Gen.Elements(new[]
        {
            "", "null", "[]", "\"x\"", "0", "{}", "{\"format\":\"2021\"}", "{\"format\":2021}", "{\"format\":null}", "{", "}", "{\"format\":\"2021\"",
            "{\"format\":\"2021\",}", "{/*c*/\"format\":\"2021\"}", "{'format':'2021'}", "{\"year\":NaN}", "{\"format\":\"2021\"}{\"format\":\"2021\"}",
            "{\"format\":\"2021\",\"format\":\"2019\"}", "{\"format\":\"\\ud800\"}", "{\"\\ud800\":1}", "{\"format\":\"2021\",\"\\u0000\":1}",
            " ", "\n", "\u0000", "true",
        }.Select(Vocabulary.Utf8).ToArray())),
        (1, Gen.Elements(
            Vocabulary.Raw("{\"format\":\"", new byte[] { 0xFF }, "\"}"), Vocabulary.Raw("{\"", new byte[] { 0xC3, 0x28 }, "\":1}"),
            Vocabulary.Raw(new byte[] { 0xEF, 0xBB, 0xBF }, Seeds.Utf8("002")), Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(Seeds.Utf8("002"))),
            Encoding.Latin1.GetBytes("{\"format\":\"2021\",\"agency\":{\"name\":\"caf\u00e9\"}}"))),
        (2, from seed in Gen.Elements(Seeds.All.ToArray()) from cut in Int select Seeds.Utf8(seed)[..(cut % Seeds.Utf8(seed).Length)]),
        (3, from seed in Gen.Elements(Seeds.All.ToArray())
            from flips in Gen.ListOf(Gen.Zip(Int, Gen.Choose(0, 255)), 8)
            select Flip(Seeds.Utf8(seed), flips)),
        (1, from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)) select bytes),
        (1, from d in Gen.Elements(33, 1000, 10_000) from o in Gen.Elements(true, false) select Vocabulary.Nested(d, o)),
        (1, from d in Gen.Elements(10_000, 100_000) select Vocabulary.Raw("{\"format\":\"2021\",\"agency\":", new string('[', d))));

    private static byte[] Flip(byte[] bytes, IEnumerable<(int, int)> flips)
    {
        var copy = (byte[])bytes.Clone();
        foreach (var (at, value) in flips)
        {
            copy[at % copy.Length] = (byte)value;
        }

        return copy;
    }

    /// <summary>A report body: a base report under a few mutations, garbage, or one sized around the 1 MiB limit.</summary>
    public static Gen<(byte[] Body, string Note)> ReportBody(Gen<JsonNode> baseReport) => Gen.Frequency(
        (12, from report in baseReport
             from count in Gen.Frequency((2, Gen.Constant(0)), (6, Gen.Constant(1)), (3, Gen.Constant(2)), (1, Gen.Choose(3, 6)))
             from mutations in Gen.ListOf(AnyMutation, count)
             select (Apply(report, mutations), "mutated " + (mutations.Count == 0 ? "(none)" : string.Join(", ", mutations)))),
        (3, from g in Garbage select (g, "garbage")),
        (1, from report in baseReport
            from delta in Gen.Elements(-1000, -1, 0, 1, 1000, BodyLimit)
            select (PadTo(report, delta), $"padded to limit{delta:+#;-#;+0}")));

    // ---------------------------------------------------------------- agency registrations

    /// <summary>Valid credit codes the fuzzer registers again and again (so replacements and unchanged PUTs happen), and one from the narrow writer's token.</summary>
    public static readonly string[] AgencyCodes =
        [.. Enumerable.Range(0, 6).Select(i => ReportGenerator.MakeCreditCode(i % 2 == 0 ? "141122" : "440103", new Random(77 + i))), "11141122703158621W"];

    /// <summary>A valid registration (with creditCode for a batch line), in Shanxi or Guangdong, in force or dissolved.</summary>
    public static Gen<JsonObject> BaseAgency(bool withCreditCode) =>
        from code in Gen.Elements(AgencyCodes)
        from region in Gen.Elements("141122", "14", "1411", "141122103", "440103", "140000")
        from level in Gen.Elements("national", "province", "city", "county", "township")
        from kind in Gen.Elements("department", "other")
        from first in Gen.Choose(2019, 2030)
        from last in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(2019, 2040).Select(y => (int?)y)))
        from name in Gen.Elements("交城县教育局", "某局", "x", "局\u00e9", "局\u0000", " ")
        select Agency(withCreditCode ? code : null, name, region, level, kind, first, last);

    private static JsonObject Agency(string? code, string name, string region, string level, string kind, int first, int? last)
    {
        var agency = new JsonObject();
        if (code is not null)
        {
            agency["creditCode"] = code;
        }

        agency["name"] = name;
        agency["regionCode"] = region;
        agency["level"] = level;
        agency["kind"] = kind;
        agency["firstYear"] = first;
        if (last is { } l)
        {
            agency["lastYear"] = l;
        }

        return agency;
    }

    /// <summary>A registration body: a valid one under a few mutations, or garbage.</summary>
    public static Gen<(byte[] Body, string Note)> AgencyBody(bool withCreditCode) => Gen.Frequency(
        (4, from agency in BaseAgency(withCreditCode) select (Vocabulary.Utf8(agency.ToJsonString()), "valid registration")),
        (6, from agency in BaseAgency(withCreditCode)
            from mutations in Gen.ListOf(AnyMutation, 2).Select(m => m.Take(1 + (m.Count > 1 ? 1 : 0)).ToList())
            select (Apply(agency, mutations), "mutated registration " + string.Join(", ", mutations))),
        (1, from g in Garbage select (g, "garbage")));

    private const string NoJunk = "(no junk)";

    /// <summary>A CSV line of a registration: its fields in the header's order, some quoted, some junk.</summary>
    private static Gen<string> CsvLine =>
        from agency in BaseAgency(withCreditCode: true)
        from junk in Gen.Frequency((5, Gen.Constant(NoJunk)),
            (1, Gen.Elements("\"", "\"unclosed", ",,,,,,,,", "a\u0000b", "2020.5", "-1", "99999999999", "\uFFFD", "\"x\"\"y\"")))
        from at in Gen.Choose(0, 6)
        select string.Join(",", new[] { "creditCode", "name", "regionCode", "level", "kind", "firstYear", "lastYear" }
            .Select((column, i) => i == at && junk != NoJunk ? junk : agency[column]?.ToString() ?? "")
            .Select(value => value.Contains(',', StringComparison.Ordinal) ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value));

    /// <summary>A registration: PUT to a known or junk credit code (with or without preconditions), or a batch in NDJSON or CSV.</summary>
    public Gen<FuzzRequest> AgencyRequest => Gen.Frequency(
        (3, from code in Gen.Frequency((6, Gen.Elements(AgencyCodes)), (1, Pick(Vocabulary.PathJunk)))
            from body in AgencyBody(withCreditCode: false)
            from headers in OptionalHeaders(badAuthorization: 2)
            from contentType in ContentType("application/json", badWeight: 1)
            from condition in Gen.Elements<FuzzHeader?>(null, null, new FuzzHeader("If-Match", "\"1\""), new FuzzHeader("If-Match", "*"),
                new FuzzHeader("If-None-Match", "*"), new FuzzHeader("If-Match", "1"))
            let all = condition is null ? headers : [.. headers, condition]
            select new FuzzRequest("PUT", "/v1/agencies/" + code, "", contentType is null ? all : [contentType, .. all], body.Body, false, body.Note)),
        (1, from lines in Gen.ListOf(Gen.Frequency(
                (4, BaseAgency(withCreditCode: true).Select(a => Vocabulary.Utf8(a.ToJsonString()))),
                (3, AgencyBody(withCreditCode: true).Where(b => b.Body.Length < 100_000).Select(b => b.Body)),
                (1, Gen.Elements(Vocabulary.Raw(""), Vocabulary.Raw(" "), Vocabulary.Raw("\u0000"))))).Select(l => l.Take(20).ToList())
            from headers in OptionalHeaders(badAuthorization: 2)
            from contentType in ContentType("application/x-ndjson", badWeight: 1)
            select new FuzzRequest("POST", "/v1/agencies/batch", "", contentType is null ? headers : [contentType, .. headers],
                Join(lines, Vocabulary.Utf8("\n"), true), false, $"agency batch of {lines.Count} lines")),
        (1, from header in Gen.Frequency((6, Gen.Constant("creditCode,name,regionCode,level,kind,firstYear,lastYear")),
                (1, Gen.Elements("creditCode", "name,creditCode,name", "\uFEFFCREDITCODE,NAME,REGIONCODE,LEVEL,KIND,FIRSTYEAR,LASTYEAR", "x", "")))
            from lines in Gen.ListOf(CsvLine).Select(l => l.Take(20).ToList())
            from separator in Gen.Elements("\r\n", "\n")
            from headers in OptionalHeaders(badAuthorization: 2)
            select new FuzzRequest("POST", "/v1/agencies/batch", "", [new FuzzHeader("Content-Type", "text/csv"), .. headers],
                Vocabulary.Utf8(string.Join(separator, lines.Prepend(header)) + separator), false, $"agency CSV of {lines.Count} lines")));

    /// <summary>
    /// The reporting calendar: a few years' locks set, removed and listed, mostly with the administrator's token. Never a
    /// year the other properties' reports are of, so that their corrections stay possible whatever the order.
    /// </summary>
    public Gen<FuzzRequest> PeriodLockRequest => Gen.Frequency(
        (5, from year in Gen.Frequency((8, Gen.Elements("2027", "2028", "2100")), (1, Gen.Elements("2018", "0", "2101", "2147483648")), (1, Pick(Vocabulary.PathJunk)))
            from method in Gen.Frequency((3, Gen.Constant("PUT")), (2, Gen.Constant("DELETE")))
            from body in SmallBody(Vocabulary.PeriodLockBodies)
            from headers in OptionalHeaders(badAuthorization: 2, TokenKind.Administrator)
            from contentType in ContentType("application/json", badWeight: 1)
            let withBody = method == "PUT"
            select new FuzzRequest(method, "/v1/period-locks/" + year, "", withBody && contentType is not null ? [contentType, .. headers] : headers,
                withBody ? body.Body : null, false, $"{method} lock {(withBody ? body.Note : "")}")),
        (1, from headers in OptionalHeaders(badAuthorization: 2, TokenKind.Administrator)
            select new FuzzRequest("GET", "/v1/period-locks", "", headers, null, false, "list locks")));

    /// <summary>A small JSON body of an operation other than a report's: one of its valid and invalid forms, or garbage.</summary>
    private static Gen<(byte[] Body, string Note)> SmallBody(IReadOnlyList<string> bodies) => Gen.Frequency(
        (6, Pick(bodies).Select(b => (Vocabulary.Utf8(b), "body " + (b.Length > 60 ? b[..60] + "…" : b)))),
        (1, Garbage.Select(g => (g, "garbage"))));

    // ---------------------------------------------------------------- headers

    /// <summary>
    /// Mostly the token the operation needs (a writer's unless said otherwise; so that requests reach the checks and the
    /// database), else a bad, weaker or other one.
    /// </summary>
    private Gen<FuzzHeader> Authorization(int badWeight, TokenKind needed = TokenKind.ValidWriter) => withTokens
        ? Gen.Frequency(
            (badWeight, Pick(Vocabulary.Authorizations).Select(v => new FuzzHeader("Authorization", v))),
            (badWeight, Gen.Elements(TokenKind.Garbage, TokenKind.Expired, TokenKind.WrongKey, TokenKind.WrongAudience, TokenKind.Unsigned)
                .Select(k => new FuzzHeader("Authorization", "", k))),
            (2, Gen.Elements(TokenKind.ValidReadOnly, TokenKind.NarrowWriter).Select(k => new FuzzHeader("Authorization", "", k))),
            (2, Gen.Elements(TokenKind.ValidWriter, TokenKind.Reviewer, TokenKind.Administrator).Select(k => new FuzzHeader("Authorization", "", k))),
            (12, Gen.Constant(new FuzzHeader("Authorization", "", needed))))
        : Pick(Vocabulary.Authorizations).Select(v => new FuzzHeader("Authorization", v));

    private static Gen<FuzzHeader> Header(string name, IReadOnlyList<string> values) => Pick(values).Select(v => new FuzzHeader(name, v));

    /// <summary>A few optional headers, each with bad or huge values among good ones, and usually an Authorization header.</summary>
    private Gen<IReadOnlyList<FuzzHeader>> OptionalHeaders(int badAuthorization, TokenKind needed = TokenKind.ValidWriter) => Gen.Choose(0, 3).SelectMany(count => Gen.ListOf(Gen.Frequency(
            (2, Header("If-Match", Vocabulary.IfMatch)),
            (2, Header("Idempotency-Key", Vocabulary.IdempotencyKeys)),
            (2, Header("Accept", Vocabulary.Accepts)),
            (2, Header("Accept-Language", Vocabulary.AcceptLanguages)),
            (1, Header("If-None-Match", Vocabulary.IfMatch)),
            (1, Header("X-Unknown", ["1", new string('x', 4000)]))), count))
        .SelectMany(headers => Chance(withTokens ? 100 - badAuthorization : 30).SelectMany(auth => auth
            ? Authorization(badAuthorization, needed).Select(a => (IReadOnlyList<FuzzHeader>)[.. headers, a])
            : Gen.Constant((IReadOnlyList<FuzzHeader>)[.. headers])));

    private static Gen<FuzzHeader?> ContentType(string? valid, int badWeight) => Gen.Frequency(
        (20, Gen.Constant(valid is null ? null : new FuzzHeader("Content-Type", valid))),
        (2 * badWeight, Pick(Vocabulary.ContentTypes).Select(v => (FuzzHeader?)new FuzzHeader("Content-Type", v))),
        (badWeight, Gen.Constant<FuzzHeader?>(null)));

    // ---------------------------------------------------------------- paths and queries

    /// <summary>
    /// A value for a path parameter. Reviews go to reports of their own (<c>reviewable</c>): an approval locks its report,
    /// and the reports the other properties correct must stay correctable.
    /// </summary>
    private Gen<string> PathValue(string name, string template) => Gen.Frequency(
        (3, name switch
        {
            "id" when template.EndsWith("/reviews", StringComparison.Ordinal) && reviewable is { Count: > 0 } => Pick(reviewable).Select(id => id.ToString()),
            "id" => Pick(stored).Select(s => s.Id.ToString()),
            "year" => Gen.Elements("2019", "2023", "2024", "2100", "2018", "0", "2147483648"),
            "revision" => Gen.Elements("1", "2"),
            "code" => Gen.Elements("14", "1411", "141122", "141122103", "140000", "141100"),
            "creditCode" => Gen.Elements(AgencyCodes),
            _ => Gen.Constant("x"),
        }),
        (2, Pick(Vocabulary.PathJunk)));

    private static string ValidQueryValue(ApiParameter parameter, int pick) => parameter.Name switch
    {
        "year" => pick % 3 == 0 ? "2023" : "2022",
        "fromYear" => "2021",
        "toYear" => "2026",
        "region" or "parent" => pick % 2 == 0 ? "14" : "141122",
        "creditCode" => "11141122703158621W",
        "cursor" => "AAAAAAAAAAAAAAAAAAAAAA",
        "limit" => "10",
        "groupBy" => pick % 2 == 0 ? "year,province" : "level",
        _ when parameter.Enum.Count > 0 => parameter.Enum[pick % parameter.Enum.Count],
        _ => "x",
    };

    private static Gen<string> Query(IReadOnlyList<ApiParameter> parameters)
    {
        var declared = parameters.Where(p => p.In == "query").ToList();
        var perDeclared = declared.Select(p => Gen.Frequency(
            (3, Gen.Constant<(string, string)?>(null)),
            (2, Int.Select(i => ((string, string)?)(p.Name, ValidQueryValue(p, i)))),
            (2, Pick(Vocabulary.QueryJunk).Select(v => ((string, string)?)(p.Name, v)))));
        var names = declared.Select(p => p.Name).Concat(["unknown", "YEAR", "year[]", "%00", "%zz", new string('q', 3000), "", "a%3Db"]).ToArray();
        var extra = Gen.ListOf(Gen.Zip(Gen.Elements(names), Pick(Vocabulary.QueryJunk)).Select(t => ((string, string)?)t), 3);
        // Half the queries only leave parameters out or give them valid values, so that they reach the query itself.
        var clean = Gen.CollectToList(declared.Select(p => Gen.Frequency(
            (3, Gen.Constant<(string, string)?>(null)),
            (2, Int.Select(i => ((string, string)?)(p.Name, ValidQueryValue(p, i)))))));
        return from isClean in Chance(50)
               from chosen in isClean ? clean : Gen.CollectToList(perDeclared)
               from more in isClean ? Gen.Constant<IReadOnlyList<(string, string)?>>([])
                   : Gen.Frequency((3, Gen.Constant<IReadOnlyList<(string, string)?>>([])), (1, extra.Select(e => (IReadOnlyList<(string, string)?>)e)))
               from bare in Chance(5)
               select Render([.. chosen, .. more], bare);

        static string Render(IEnumerable<(string Name, string Value)?> pairs, bool bare)
        {
            var present = pairs.Where(p => p is not null).Select(p => p!.Value).ToList();
            if (present.Count == 0)
            {
                return bare ? "?" : "";
            }

            return "?" + string.Join('&', present.Select(p => p.Value.Length == 0 && p.Name.Length % 2 == 0 ? p.Name : $"{p.Name}={p.Value}"));
        }
    }

    // ---------------------------------------------------------------- requests

    /// <summary>Any operation of the document, its parameters valid or junk, with junk headers and small bodies; unknown routes and methods too.</summary>
    public Gen<FuzzRequest> SurfaceRequest => Gen.Frequency(
        (8, from op in Pick(surface) from request in ForOperation(op, op.Method) select request),
        (1, from op in Pick(surface) from method in Pick(Vocabulary.Methods) from request in ForOperation(op, method) select request with { Note = $"{method} on {op}" }),
        (1, from path in Pick(Vocabulary.UnknownPaths)
            from method in Pick(Vocabulary.Methods)
            from query in Query([])
            from headers in OptionalHeaders(badAuthorization: 10)
            select new FuzzRequest(method, path, query, headers, null, false, "unknown route")));

    private Gen<FuzzRequest> ForOperation(ApiOperation op, string method)
    {
        var pathParameters = op.Parameters.Where(p => p.In == "path").Select(p => p.Name).ToList();
        var path = Gen.CollectToList(pathParameters.Select(name => PathValue(name, op.Template))).Select(values =>
        {
            var rendered = op.Template;
            for (var i = 0; i < pathParameters.Count; i++)
            {
                rendered = rendered.Replace("{" + pathParameters[i] + "}", values[i], StringComparison.Ordinal);
            }

            return rendered;
        });
        var content = op.Template switch
        {
            _ when op.Template.EndsWith("/reviews", StringComparison.Ordinal) => SmallBody(Vocabulary.ReviewBodies),
            _ when op.Template.StartsWith("/v1/period-locks/", StringComparison.Ordinal) => SmallBody(Vocabulary.PeriodLockBodies),
            _ when op.Template.StartsWith("/v1/agencies", StringComparison.Ordinal) => AgencyBody(withCreditCode: op.Method == "POST"),
            _ => ReportBody(BaseReport),
        };
        var body = op.BodyMediaType is null
            ? Gen.Frequency((9, Gen.Constant<(byte[]?, string)>((null, ""))), (1, Garbage.Select(g => ((byte[]?)g, "garbage body"))))
            : Gen.Frequency(
                (3, content.Select(b => ((byte[]?)b.Body, b.Note))),
                (1, Gen.Constant<(byte[]?, string)>((null, "no body"))));
        var review = op.Template.EndsWith("/reviews", StringComparison.Ordinal);
        var needed = review ? TokenKind.Reviewer
            : op.Template.StartsWith("/v1/period-locks", StringComparison.Ordinal) ? TokenKind.Administrator
            : TokenKind.ValidWriter;
        return from p in path
               from query in Query(op.Parameters)
               from headers in OptionalHeaders(badAuthorization: 10, needed)
               from contentType in ContentType(op.BodyMediaType, badWeight: 5)
               from b in body
               from chunked in Chance(20)
               from ifMatch in Gen.Frequency((4, Gen.Constant("*")), (1, Gen.Constant("\"1\"")), (1, Pick(Vocabulary.IfMatch)))
               // A review names the revision it judges: usually with an If-Match that reaches the decision.
               let withIfMatch = review && headers.All(h => h.Name != "If-Match") ? [.. headers, new FuzzHeader("If-Match", ifMatch)] : headers
               select new FuzzRequest(method, p, query, contentType is null ? withIfMatch : [contentType, .. withIfMatch], b.Item1, chunked, $"{op} {b.Item2}");
    }

    /// <summary>A report body to validate, submit or correct (mostly of the stored report, with If-Match "*" so it reaches the checks).</summary>
    public Gen<FuzzRequest> ReportRequest => Gen.Frequency(
            (2, Gen.Constant((Method: "POST", Path: "/v1/reports/validate", Base: BaseReport))),
            (3, Gen.Constant((Method: "POST", Path: "/v1/reports", Base: BaseReport))),
            (2, Pick(stored).Select(s => (Method: "PUT", Path: $"/v1/reports/{s.Id}",
                Base: Gen.Frequency((4, Gen.Constant<JsonNode>(Seeds.Json(s.Seed))), (1, BaseReport))))))
        .SelectMany(target =>
            from body in ReportBody(target.Base)
            from headers in OptionalHeaders(badAuthorization: 2)
            from contentType in ContentType("application/json", badWeight: 1)
            from ifMatch in Gen.Frequency((6, Gen.Constant("*")), (1, Gen.Constant("\"1\"")), (1, Pick(Vocabulary.IfMatch)))
            from chunked in Chance(20)
            let withIfMatch = target.Method == "PUT" && headers.All(h => h.Name != "If-Match") ? [.. headers, new FuzzHeader("If-Match", ifMatch)] : headers
            select new FuzzRequest(target.Method, target.Path, "", contentType is null ? withIfMatch : [contentType, .. withIfMatch], body.Body, chunked, body.Note));

    /// <summary>An NDJSON batch mixing valid reports, mutated ones and garbage lines.</summary>
    public Gen<FuzzRequest> BatchRequest
    {
        get
        {
            var line = Gen.Frequency(
                (4, from seed in Int from format in Gen.Elements("2019", "2021") select ReportGenerator.Generate(new Random(seed), format).ToUtf8()),
                (4, ReportBody(BaseReport).Where(b => b.Body.Length < 200_000).Select(b => b.Body)),
                (2, Garbage.Where(g => g.Length < 200_000)),
                (1, Gen.Elements(Vocabulary.Raw(""), Vocabulary.Raw(" \t"), Vocabulary.Raw("\r"), Vocabulary.Raw("\u0000"))),
                (1, Gen.Constant(0).Select(_ => PadTo(Seeds.Json("002"), 1))));
            return from lines in Gen.ListOf(line).Select(l => l.Take(25).ToList())
                   from separator in Gen.Elements("\n", "\r\n", "\n\n")
                   from trailing in Chance(50)
                   from headers in OptionalHeaders(badAuthorization: 2)
                   from contentType in ContentType("application/x-ndjson", badWeight: 1)
                   from chunked in Chance(30)
                   select new FuzzRequest("POST", "/v1/reports/batch", "", contentType is null ? headers : [contentType, .. headers],
                       Join(lines, Vocabulary.Utf8(separator), trailing), chunked, $"batch of {lines.Count} lines");
        }
    }

    private static byte[] Join(List<byte[]> lines, byte[] separator, bool trailing)
    {
        var joined = new List<byte>();
        for (var i = 0; i < lines.Count; i++)
        {
            joined.AddRange(lines[i]);
            if (i < lines.Count - 1 || trailing)
            {
                joined.AddRange(separator);
            }
        }

        return [.. joined];
    }
}
