using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ReportService.TestSupport;

namespace ReportService.AggregateLoad;

/// <summary>An agency of the data set: who reports, where, at which level and of which kind.</summary>
internal sealed record Agency(string CreditCode, string RegionCode, string Name, string Level, string Kind);

/// <summary>
/// A deterministic data set: <c>agencies</c> agencies, each with one report (scope agency, format 2021) for
/// each of the years 2021–2025, so every (credit code, year, scope) is distinct. Report <c>r</c> is agency
/// <c>r / 5</c>'s report of year <c>2021 + r % 5</c>; an agency's years are adjacent, so a batch carries an
/// agency's previous year with it (the cross-year rules compare against it; their findings are warnings).
///
/// Agencies are laid over the township codes (9 digits) of the division reference in a shuffled order,
/// round robin, so every township gets about agencies ÷ 41,352 of them. Of every 20 agencies, 17 are
/// township governments (level township, kind government, 9-digit code), 1 is another township-level body
/// (kind other, 9-digit code) and 2 are county departments (level county, kind department, the township's
/// 6-digit county code). Table contents come from <see cref="ReportGenerator"/> with a seed per report.
/// </summary>
internal sealed class DataSet
{
    public const int FirstYear = 2021;

    public const int Years = 5;

    private static readonly string[] Departments =
        ["财政局", "教育局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康委员会", "市场监督管理局", "民政局"];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly Agency[] agencies;
    private readonly int seed;
    private readonly int townshipsInReference;

    public DataSet(string divisionsPath, int agencyCount, int seed)
    {
        this.seed = seed;
        var names = ReadDivisions(divisionsPath);
        var townships = names.Keys.Where(c => c.Length == 9).Order(StringComparer.Ordinal).ToArray();
        townshipsInReference = townships.Length;
        new Random(seed).Shuffle(townships);
        agencies = new Agency[agencyCount];
        var creditCodes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < agencyCount; i++)
        {
            var township = townships[i % townships.Length];
            var county = township[..6];
            var random = new Random(unchecked((seed * 1_000_003) + i));
            string creditCode;
            do
            {
                creditCode = ReportGenerator.MakeCreditCode(county, random);
            }
            while (!creditCodes.Add(creditCode));

            agencies[i] = (i % 20) switch
            {
                0 or 1 when names.TryGetValue(county, out var countyName) =>
                    new Agency(creditCode, county, countyName + Departments[i / 20 % Departments.Length], "county", "department"),
                2 => new Agency(creditCode, township, names[township] + "便民服务中心", "township", "other"),
                _ => new Agency(creditCode, township, names[township] + (names[township].EndsWith("街道", StringComparison.Ordinal) ? "办事处" : "人民政府"),
                    "township", "government"),
            };
        }
    }

    public int Count => agencies.Length * Years;

    public string Describe()
    {
        var kinds = agencies.GroupBy(a => $"{a.Level} {a.Kind} ({a.RegionCode.Length}-digit codes)").OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key}: {g.Count()}");
        return $"{Count} reports = {agencies.Length} agencies x {Years} years ({FirstYear}-{FirstYear + Years - 1}, format 2021, scope agency), seed {seed}; " +
               string.Join(", ", kinds) +
               $"; {agencies.Select(a => a.RegionCode).Where(c => c.Length == 9).Distinct().Count()} of the {townshipsInReference} township codes " +
               $"and {agencies.Select(a => a.RegionCode[..6]).Distinct().Count()} counties covered";
    }

    /// <summary>Reports [start, start + count) as NDJSON.</summary>
    public Ndjson Ndjson(int start, int count)
    {
        var stream = new MemoryStream(count * 5_600);
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        for (var r = start; r < start + count; r++)
        {
            Report(r).WriteTo(writer);
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
        }

        return new Ndjson(stream.GetBuffer(), (int)stream.Length, count);
    }

    private System.Text.Json.Nodes.JsonObject Report(int index)
    {
        var agencyIndex = index / Years;
        var year = FirstYear + (index % Years);
        var agency = agencies[agencyIndex];
        var random = new Random(unchecked((((seed * 1_000_003) + agencyIndex) * 8) + (year - FirstYear) + 1));
        var report = ReportGenerator.Generate(random, "2021", year, agency.CreditCode, agency.RegionCode);
        var json = report["agency"]!.AsObject();
        json["name"] = agency.Name;
        json["level"] = agency.Level;
        json["kind"] = agency.Kind;
        return report;
    }

    private static Dictionary<string, string> ReadDivisions(string path)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                names[line[..tab]] = line[(tab + 1)..];
            }
        }

        return names;
    }
}
