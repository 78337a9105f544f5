using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;
using ReportService.TestSupport;

namespace ReportService.Statutory.Tests;

/// <summary>
/// Arithmetic properties over generated reports: every generated valid report passes, and any single cell of
/// tables 3 and 4 moved by ±1 is caught by an error that points at that very cell.
/// </summary>
public sealed class PropertyTests
{
    private const int Reports = 60;

    public static TheoryData<string> Formats => [ReportFormats.Format2019, ReportFormats.Format2021];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Generated_valid_reports_pass_with_no_error(string format)
    {
        var random = new Random(20261122);
        for (var i = 0; i < Reports * 5; i++)
        {
            var report = ReportGenerator.Generate(random, format);
            var errors = Check.Run(report).Errors();
            Assert.True(errors.Count == 0, $"report {i} of format {format}: {string.Join("; ", errors.Select(e => e.Message.English))}\n{report.ToJsonString()}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Any_single_cell_of_tables_3_and_4_changed_by_one_is_caught_at_that_cell(string format)
    {
        var random = new Random(format == ReportFormats.Format2019 ? 2019 : 2021);
        var pointers = CellPointers(format);
        Assert.Equal(format == ReportFormats.Format2019 ? 23 * 7 + 15 : 25 * 7 + 15, pointers.Count);

        for (var i = 0; i < Reports; i++)
        {
            var report = ReportGenerator.Generate(random, format);
            foreach (var pointer in pointers)
            {
                foreach (var delta in new[] { -1, 1 })
                {
                    var changed = report.DeepClone();
                    changed.Set(pointer, JsonValue.Create((int)changed.Get(pointer)! + delta));
                    var errors = Check.Run(changed).Errors();
                    Assert.True(
                        errors.Any(e => e.Cells.Any(c => c.Pointer == pointer)),
                        $"{pointer} {delta:+0;-0} in report {i} ({format}) was not caught: {string.Join("; ", errors.Select(e => e.Rule))}");
                }
            }
        }
    }

    private static List<string> CellPointers(string format) =>
    [
        .. Table3.RowsOf(format).SelectMany(row => Table3.Columns.Select(row.CellPointer)),
        .. Table4.Groups.SelectMany(group => Table4.Fields.Select(group.CellPointer)),
    ];
}
