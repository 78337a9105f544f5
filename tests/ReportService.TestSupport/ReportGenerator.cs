using System.Text.Json.Nodes;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.TestSupport;

/// <summary>
/// Generates valid reports of either format from a seed: every identity of tables 3 and 4 holds, every cell
/// is present. Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public static class ReportGenerator
{
    private static readonly string[] ApplicantKeys = [.. Table3.Columns.Select(c => c.Key)];

    public static JsonObject Generate(Random random, string format, int? year = null, string? creditCode = null, string regionCode = "141122103")
    {
        var y = year ?? (format == ReportFormats.Format2019 ? random.Next(2019, 2021) : random.Next(2021, 2026));
        var county = regionCode.Length >= 6 ? regionCode[..6] : regionCode.PadRight(6, '0');
        return new JsonObject
        {
            ["format"] = format,
            ["year"] = y,
            ["agency"] = new JsonObject
            {
                ["name"] = "测试县测试镇人民政府",
                ["creditCode"] = creditCode ?? MakeCreditCode(county, random),
                ["regionCode"] = regionCode,
                ["level"] = "township",
                ["kind"] = "government",
                ["scope"] = "agency",
            },
            ["publishedOn"] = $"{y + 1}-01-{random.Next(2, 31):00}",
            ["text"] = new JsonObject
            {
                ["overview"] = "本年度依法推进政府信息公开工作。",
                ["problemsAndImprovements"] = "继续完善。",
                ["otherMatters"] = "本年度未收取信息处理费。",
            },
            ["activeDisclosure"] = format == ReportFormats.Format2019 ? Table2Of2019(random) : Table2Of2021(random),
            ["requests"] = Table3Of(random, format),
            ["appeals"] = new JsonObject
            {
                ["reconsideration"] = AppealGroup(random),
                ["litigationDirect"] = AppealGroup(random),
                ["litigationAfterReconsideration"] = AppealGroup(random),
            },
        };
    }

    /// <summary>A valid credit code registered in <paramref name="county"/> (6 digits).</summary>
    public static string MakeCreditCode(string county, Random random)
    {
        var body = string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('0' + random.Next(10))));
        var check = CreditCode.OrganizationCheckCharacter(body);
        if (check == 'X')
        {
            return MakeCreditCode(county, random);
        }

        var first17 = "11" + county + body + check;
        return first17 + CreditCode.CheckCharacterFor(first17);
    }

    private static JsonObject Table2Of2021(Random random) => new()
    {
        // Townships make no 规章; anything else would raise T2.REGULATIONS_AUTHORITY.
        ["regulations"] = new JsonObject { ["issued"] = 0, ["repealed"] = 0, ["inForce"] = 0 },
        ["normativeDocuments"] = new JsonObject { ["issued"] = random.Next(5), ["repealed"] = random.Next(3), ["inForce"] = random.Next(20) },
        ["licensing"] = new JsonObject { ["decisions"] = random.Next(100) },
        ["penalties"] = new JsonObject { ["decisions"] = random.Next(50) },
        ["coercion"] = new JsonObject { ["decisions"] = random.Next(5) },
        ["fees"] = new JsonObject { ["amount"] = Math.Round((decimal)random.NextDouble() * 10, random.Next(0, 7)) },
    };

    private static JsonObject Table2Of2019(Random random)
    {
        JsonObject Items() => new() { ["itemsLastYear"] = random.Next(20), ["itemsChange"] = random.Next(-3, 4), ["decisions"] = random.Next(100) };
        return new JsonObject
        {
            ["regulations"] = new JsonObject { ["created"] = 0, ["published"] = 0, ["totalPublished"] = 0 },
            ["normativeDocuments"] = new JsonObject { ["created"] = random.Next(5), ["published"] = random.Next(5), ["totalPublished"] = random.Next(20) },
            ["licensing"] = Items(),
            ["otherServices"] = Items(),
            ["penalties"] = Items(),
            ["coercion"] = Items(),
            ["fees"] = new JsonObject { ["itemsLastYear"] = random.Next(5), ["itemsChange"] = random.Next(-2, 3) },
            ["procurement"] = new JsonObject { ["projects"] = random.Next(10), ["amountYuan"] = Math.Round((decimal)random.NextDouble() * 100000, random.Next(0, 3)) },
        };
    }

    private static JsonObject Table3Of(Random random, string format)
    {
        var rows = Table3.RowsOf(format);
        var leaves = rows.Where(r => r.Role == Table3RowRole.OutcomeLeaf).ToArray();
        var values = rows.ToDictionary(r => r.Key, _ => new long[7]);
        for (var c = 0; c < 6; c++)
        {
            // Most cells are zero in real reports; keep that shape with a few busy columns.
            var busy = random.Next(3) == 0 ? 40 : 4;
            long received = random.Next(busy), carriedOver = random.Next(busy / 2 + 1);
            var carriedForward = random.NextInt64(received + carriedOver + 1);
            var concluded = received + carriedOver - carriedForward;
            values["received"][c] = received;
            values["carriedOver"][c] = carriedOver;
            values["carriedForward"][c] = carriedForward;
            values["total"][c] = concluded;
            for (var n = 0; n < concluded; n++)
            {
                values[leaves[random.Next(leaves.Length)].Key][c]++;
            }
        }

        foreach (var row in values.Values)
        {
            row[6] = row[..6].Sum();
        }

        var requests = new JsonObject();
        foreach (var row in rows)
        {
            var counts = new JsonObject();
            for (var c = 0; c < 7; c++)
            {
                counts[ApplicantKeys[c]] = checked((int)values[row.Key][c]);
            }

            var segments = row.Pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)[1..];
            JsonObject parent = requests;
            foreach (var segment in segments[..^1])
            {
                parent = (parent[segment] ??= new JsonObject()).AsObject();
            }

            parent[segments[^1]] = counts;
        }

        return requests;
    }

    private static JsonObject AppealGroup(Random random)
    {
        int upheld = random.Next(3), corrected = random.Next(2), other = random.Next(2), pending = random.Next(2);
        return new JsonObject
        {
            ["upheld"] = upheld, ["corrected"] = corrected, ["other"] = other, ["pending"] = pending,
            ["total"] = upheld + corrected + other + pending,
        };
    }
}
