using System.Text;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Persistence;

internal enum CellColumnKind
{
    Count,
    SignedCount,
    Amount,
}

/// <summary>A statutory cell stored in its own typed column of <c>report_revisions</c>.</summary>
internal sealed record CellColumn(string Name, string Pointer, CellColumnKind Kind, IReadOnlyList<string> Formats, Func<Report, object?> Read);

/// <summary>
/// Every cell of tables 2–4 of both formats as a column, named from its JSON pointer. A cell that its
/// report's format does not have is NULL; a cell of its format is never NULL (the rules reject blanks).
/// The committed migration creates exactly these columns; a test keeps the two in step.
/// </summary>
internal static class CellColumns
{
    private static readonly string[] Both = [ReportFormats.Format2019, ReportFormats.Format2021];

    private static readonly Dictionary<string, string> ColumnSuffixes = new(StringComparer.Ordinal)
    {
        ["naturalPerson"] = "np",
        ["commercialEnterprise"] = "ce",
        ["researchInstitution"] = "ri",
        ["publicInterestOrganization"] = "po",
        ["legalServiceProvider"] = "ls",
        ["otherOrganization"] = "oo",
        ["total"] = "total",
    };

    public static readonly IReadOnlyList<CellColumn> All = Build();

    public static readonly IReadOnlyDictionary<string, CellColumn> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>The column of a table-3 cell: row pointer and applicant column.</summary>
    public static string Table3Column(Table3Row row, ApplicantColumn column) => "t3_" + Snake(row.Key) + "_" + ColumnSuffixes[column.Key];

    /// <summary>The column of a table-4 cell.</summary>
    public static string Table4Column(AppealGroup group, AppealField field) => "t4_" + Snake(group.Key) + "_" + Snake(field.Key);

    private static List<CellColumn> Build()
    {
        var columns = new List<CellColumn>();
        foreach (var (format, prefix) in new[] { (ReportFormats.Format2021, "t2v21_"), (ReportFormats.Format2019, "t2v19_") })
        {
            foreach (var cell in Table2.CellsOf(format))
            {
                var kind = cell.Kind switch
                {
                    Table2CellKind.Amount => CellColumnKind.Amount,
                    Table2CellKind.SignedCount => CellColumnKind.SignedCount,
                    _ => CellColumnKind.Count,
                };
                columns.Add(new(prefix + Snake(cell.Pointer["/activeDisclosure/".Length..]), cell.Pointer, kind, [format], cell.Value));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var format in Both)
        {
            foreach (var row in Table3.RowsOf(format))
            {
                var formats = Both.Where(f => Table3.RowsOf(f).Any(r => r.Key == row.Key)).ToArray();
                foreach (var column in Table3.Columns)
                {
                    var name = Table3Column(row, column);
                    if (seen.Add(name))
                    {
                        columns.Add(new(name, row.CellPointer(column), CellColumnKind.Count, formats,
                            report => report.GetRequests() is { } requests ? row.Read(requests)?.ValueOf(column) : null));
                    }
                }
            }
        }

        foreach (var group in Table4.Groups)
        {
            foreach (var field in Table4.Fields)
            {
                columns.Add(new(Table4Column(group, field), group.CellPointer(field), CellColumnKind.Count, Both,
                    report => report.Appeals is { } appeals && group.Read(appeals) is { } counts ? field.Read(counts) : null));
            }
        }

        return columns;
    }

    /// <summary><c>withheld.stateSecret</c> or <c>regulations/inForce</c> → <c>withheld_state_secret</c>, <c>regulations_in_force</c>.</summary>
    internal static string Snake(string key)
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
