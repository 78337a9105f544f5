namespace ReportService.Statutory.Model;

/// <summary>
/// One row of table 3 across its seven applicant columns (申请人情况). A missing or null count is reported
/// by rule CELL.COUNT, never read as zero.
/// </summary>
public sealed class ApplicantCounts
{
    /// <summary>自然人.</summary>
    public int? NaturalPerson { get; init; }

    /// <summary>法人或其他组织·商业企业.</summary>
    public int? CommercialEnterprise { get; init; }

    /// <summary>法人或其他组织·科研机构.</summary>
    public int? ResearchInstitution { get; init; }

    /// <summary>法人或其他组织·社会公益组织.</summary>
    public int? PublicInterestOrganization { get; init; }

    /// <summary>法人或其他组织·法律服务机构.</summary>
    public int? LegalServiceProvider { get; init; }

    /// <summary>法人或其他组织·其他.</summary>
    public int? OtherOrganization { get; init; }

    /// <summary>总计: the sum of the six applicant columns.</summary>
    public int? Total { get; init; }

    /// <summary>The count in one applicant column (see <see cref="Tables.Table3.Columns"/>).</summary>
    public int? ValueOf(Tables.ApplicantColumn column) => this[column.Index];

    internal int? this[int column] => column switch
    {
        0 => NaturalPerson,
        1 => CommercialEnterprise,
        2 => ResearchInstitution,
        3 => PublicInterestOrganization,
        4 => LegalServiceProvider,
        5 => OtherOrganization,
        6 => Total,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };
}
