using System.Text;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.CrashClient;

/// <summary>
/// Where every number of an aggregate group (GET /v1/aggregates) comes from, stated independently of the
/// service's code: the path of the number in the group's JSON and the typed columns of report_revisions
/// whose sum it is. The columns are named from the statutory tables the way the migration names them
/// (snake case of the row key or pointer with a table prefix); a name that does not exist makes the SQL fail,
/// and <see cref="Columns"/> lets the verifier check that every stored cell column is compared.
/// </summary>
internal static class AggregateCells
{
    private static readonly Dictionary<string, string> ApplicantSuffixes = new(StringComparer.Ordinal)
    {
        ["naturalPerson"] = "np",
        ["commercialEnterprise"] = "ce",
        ["researchInstitution"] = "ri",
        ["publicInterestOrganization"] = "po",
        ["legalServiceProvider"] = "ls",
        ["otherOrganization"] = "oo",
        ["total"] = "total",
    };

    private static readonly (OutcomeGroup Group, string Key)[] Subtotals =
    [
        (OutcomeGroup.Withheld, "withheld"),
        (OutcomeGroup.UnableToProvide, "unableToProvide"),
        (OutcomeGroup.NotProcessed, "notProcessed"),
        (OutcomeGroup.OtherDisposal, "otherDisposal"),
    ];

    /// <summary>Paths present in every group: table 3 in the 2021 rows, the derived subtotals, table 4.</summary>
    public static readonly IReadOnlyList<(string Path, string[] Columns)> Common = BuildCommon();

    /// <summary>Table 2 of one format: present in a group only when it sums at least one report of that format.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<(string Path, string[] Columns)>> Table2 =
        new Dictionary<string, IReadOnlyList<(string Path, string[] Columns)>>(StringComparer.Ordinal)
        {
            [ReportFormats.Format2019] = BuildTable2(ReportFormats.Format2019, "t2v19_"),
            [ReportFormats.Format2021] = BuildTable2(ReportFormats.Format2021, "t2v21_"),
        };

    /// <summary>Every column some path reads.</summary>
    public static IEnumerable<string> Columns =>
        Common.Concat(Table2.Values.SelectMany(t => t)).SelectMany(p => p.Columns).Distinct(StringComparer.Ordinal);

    private static List<(string, string[])> BuildCommon()
    {
        var paths = new List<(string, string[])>();
        foreach (var row in Table3.Rows2021)
        {
            foreach (var column in Table3.Columns)
            {
                paths.Add(("requests" + row.Pointer["/requests".Length..] + "/" + column.Key, [Table3Column(row, column)]));
            }
        }

        foreach (var (group, key) in Subtotals)
        {
            var leaves = Table3.Rows2021.Concat(Table3.Rows2019)
                .Where(r => r.Role == Table3RowRole.OutcomeLeaf && r.Group == group).DistinctBy(r => r.Key).ToArray();
            foreach (var column in Table3.Columns)
            {
                paths.Add(($"subtotals/{key}/{column.Key}", [.. leaves.Select(r => Table3Column(r, column))]));
            }
        }

        foreach (var group in Table4.Groups)
        {
            foreach (var field in Table4.Fields)
            {
                paths.Add(($"appeals/{group.Key}/{field.Key}", ["t4_" + Snake(group.Key) + "_" + Snake(field.Key)]));
            }
        }

        return paths;
    }

    private static List<(string, string[])> BuildTable2(string format, string prefix) =>
    [
        .. ReportService.Statutory.Tables.Table2.CellsOf(format).Select(cell =>
        {
            var path = cell.Pointer["/activeDisclosure/".Length..];
            return ($"activeDisclosure/{format}/{path}", new[] { prefix + Snake(path) });
        }),
    ];

    private static string Table3Column(Table3Row row, ApplicantColumn column) => "t3_" + Snake(row.Key) + "_" + ApplicantSuffixes[column.Key];

    /// <summary><c>withheld.stateSecret</c> or <c>regulations/inForce</c> → <c>withheld_state_secret</c>, <c>regulations_in_force</c>.</summary>
    private static string Snake(string key)
    {
        var sb = new StringBuilder(key.Length + 8);
        foreach (var ch in key)
        {
            if (ch is '.' or '/')
            {
                sb.Append('_');
            }
            else if (char.IsUpper(ch))
            {
                sb.Append('_').Append(char.ToLowerInvariant(ch));
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }
}
