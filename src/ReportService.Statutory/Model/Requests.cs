namespace ReportService.Statutory.Model;

/// <summary>（三）不予公开: the eight grounds for withholding.</summary>
public sealed class WithheldOutcomes
{
    /// <summary>1.属于国家秘密.</summary>
    public ApplicantCounts? StateSecret { get; init; }

    /// <summary>2.其他法律行政法规禁止公开.</summary>
    public ApplicantCounts? ProhibitedByLaw { get; init; }

    /// <summary>3.危及“三安全一稳定”.</summary>
    public ApplicantCounts? SecurityOrStability { get; init; }

    /// <summary>4.保护第三方合法权益.</summary>
    public ApplicantCounts? ThirdPartyRights { get; init; }

    /// <summary>5.属于三类内部事务信息.</summary>
    public ApplicantCounts? InternalAffairs { get; init; }

    /// <summary>6.属于四类过程性信息.</summary>
    public ApplicantCounts? ProcessInformation { get; init; }

    /// <summary>7.属于行政执法案卷.</summary>
    public ApplicantCounts? EnforcementCaseFile { get; init; }

    /// <summary>8.属于行政查询事项.</summary>
    public ApplicantCounts? AdministrativeQuery { get; init; }
}

/// <summary>（四）无法提供.</summary>
public sealed class UnableToProvideOutcomes
{
    /// <summary>1.本机关不掌握相关政府信息.</summary>
    public ApplicantCounts? NotHeld { get; init; }

    /// <summary>2.没有现成信息需要另行制作.</summary>
    public ApplicantCounts? NeedsCreation { get; init; }

    /// <summary>3.补正后申请内容仍不明确.</summary>
    public ApplicantCounts? UnclearAfterCorrection { get; init; }
}

/// <summary>（五）不予处理.</summary>
public sealed class NotProcessedOutcomes
{
    /// <summary>1.信访举报投诉类申请.</summary>
    public ApplicantCounts? ComplaintOrPetition { get; init; }

    /// <summary>2.重复申请.</summary>
    public ApplicantCounts? Repeated { get; init; }

    /// <summary>3.要求提供公开出版物.</summary>
    public ApplicantCounts? Publication { get; init; }

    /// <summary>4.无正当理由大量反复申请.</summary>
    public ApplicantCounts? Excessive { get; init; }

    /// <summary>5.要求行政机关确认或重新出具已获取信息.</summary>
    public ApplicantCounts? ConfirmOrReissue { get; init; }
}

/// <summary>（六）其他处理, format 2021: three rows.</summary>
public sealed class OtherDisposalOutcomes
{
    /// <summary>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请.</summary>
    public ApplicantCounts? CorrectionOverdue { get; init; }

    /// <summary>2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请.</summary>
    public ApplicantCounts? FeeUnpaid { get; init; }

    /// <summary>3.其他.</summary>
    public ApplicantCounts? Other { get; init; }
}

/// <summary>三、本年度办理结果, the rows common to both formats.</summary>
public abstract class Outcomes
{
    /// <summary>（一）予以公开.</summary>
    public ApplicantCounts? Disclosed { get; init; }

    /// <summary>（二）部分公开（区分处理的，只计这一情形，不计其他情形）.</summary>
    public ApplicantCounts? PartiallyDisclosed { get; init; }

    /// <summary>（三）不予公开.</summary>
    public WithheldOutcomes? Withheld { get; init; }

    /// <summary>（四）无法提供.</summary>
    public UnableToProvideOutcomes? UnableToProvide { get; init; }

    /// <summary>（五）不予处理.</summary>
    public NotProcessedOutcomes? NotProcessed { get; init; }

    /// <summary>（七）总计: the value of 第三项 as a whole.</summary>
    public ApplicantCounts? Total { get; init; }
}

/// <summary>三、本年度办理结果, format 2021 (（六）其他处理 in three rows).</summary>
public sealed class Outcomes2021 : Outcomes
{
    /// <summary>（六）其他处理.</summary>
    public OtherDisposalOutcomes? OtherDisposal { get; init; }
}

/// <summary>三、本年度办理结果, format 2019 (（六）其他处理 in one row).</summary>
public sealed class Outcomes2019 : Outcomes
{
    /// <summary>（六）其他处理.</summary>
    public ApplicantCounts? OtherDisposal { get; init; }
}

/// <summary>Table 3, 收到和处理政府信息公开申请情况, the rows common to both formats.</summary>
public abstract class Requests
{
    /// <summary>一、本年新收政府信息公开申请数量.</summary>
    public ApplicantCounts? Received { get; init; }

    /// <summary>二、上年结转政府信息公开申请数量.</summary>
    public ApplicantCounts? CarriedOver { get; init; }

    /// <summary>四、结转下年度继续办理.</summary>
    public ApplicantCounts? CarriedForward { get; init; }

    internal abstract Outcomes? OutcomeRows { get; }
}

/// <summary>Table 3, 收到和处理政府信息公开申请情况, format 2021 (25 rows).</summary>
public sealed class Requests2021 : Requests
{
    /// <summary>三、本年度办理结果.</summary>
    public Outcomes2021? Outcomes { get; init; }

    internal override Outcomes? OutcomeRows => Outcomes;
}

/// <summary>Table 3, 收到和处理政府信息公开申请情况, format 2019 (23 rows).</summary>
public sealed class Requests2019 : Requests
{
    /// <summary>三、本年度办理结果.</summary>
    public Outcomes2019? Outcomes { get; init; }

    internal override Outcomes? OutcomeRows => Outcomes;
}
