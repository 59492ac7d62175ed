using BulletinMail.Features.Bulletins;
using BulletinMail.Features.Parsing;
using BulletinMail.Features.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BulletinMail.Tests.Features.Bulletins;

public sealed class HouseStyleTests
{
    [Theory]
    [InlineData(1, "一、")]
    [InlineData(6, "六、")]
    [InlineData(10, "十、")]
    [InlineData(13, "十三、")]
    [InlineData(20, "二十、")]
    [InlineData(21, "二十一、")]
    public void SectionOrdinals(int n, string expected) => Assert.Equal(expected, Bulletin.Ordinal(n));

    [Fact]
    public void AUnitParagraph_JoinsItsClauses_AndAnInheritedDatePrintsNothing()
    {
        var unit = new BulletinUnit("吉林省", [new("5月31日", "邀请专家到吉林省相关企业调研对接"), new(null, "组织各方面专家深入企业开展科技服务活动")]);
        Assert.Equal("吉林省:5月31日,邀请专家到吉林省相关企业调研对接;组织各方面专家深入企业开展科技服务活动。", unit.Paragraph);
    }

    [Fact]
    public void AnEditedDateWithoutWords_IsWrittenTheHouseWay()
    {
        static BulletinClause Clause(DateOnly? start, DateOnly? end, string precision) => BulletinClause.From(new BulletinMail.Features.Review.StoredEntry
        {
            Period = "2016-06", DateStart = start, DateEnd = end, DatePrecision = precision, Text = "召开会议。", Status = "approved",
        });

        Assert.Equal("6月5日,召开会议", Clause(new(2016, 6, 5), new(2016, 6, 5), "day").ToString());
        Assert.Equal("6月5-7日,召开会议", Clause(new(2016, 6, 5), new(2016, 6, 7), "range").ToString());
        Assert.Equal("5月31日-6月1日,召开会议", Clause(new(2016, 5, 31), new(2016, 6, 1), "range").ToString());
        Assert.Equal("近日,召开会议", Clause(null, null, "approximate").ToString());
        Assert.Equal("召开会议", Clause(null, null, "undated").ToString());
    }
}
