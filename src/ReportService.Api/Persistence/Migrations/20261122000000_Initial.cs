using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ReportService.Api.Persistence.Migrations;

/// <summary>The initial schema; its SQL is the committed file beside this class (see ADR 4).</summary>
[DbContext(typeof(ReportsDbContext))]
[Migration("20261122000000_Initial")]
internal sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationScripts.Read("20261122000000_Initial.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE idempotency_keys; DROP TABLE report_revisions; DROP TABLE reports;");
}
