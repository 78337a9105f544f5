using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>A learned agency follows its reports: the latest year's name, region, level and kind, corrections included (ADR 15).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261207050000_LearnedAgenciesFollowReports")]
internal sealed class LearnedAgenciesFollowReports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261207050000_LearnedAgenciesFollowReports.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Function("20261206000000_Agencies.sql", "learn_agencies") + """

            DROP TRIGGER reports_follow_agencies ON reports;
            DROP FUNCTION follow_corrected_agencies();
            DROP FUNCTION learn_agencies_of(uuid[]);
            DROP FUNCTION agencies_as_reported(text[]);
            """);
}
