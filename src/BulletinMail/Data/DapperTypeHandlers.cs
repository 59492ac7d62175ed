using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;

namespace BulletinMail.Data;

/// <summary>
/// How dates and instants travel through Dapper: <see cref="DateOnly"/> as <c>yyyy-MM-dd</c> (a DATE on PostgreSQL);
/// <see cref="DateTimeOffset"/> as Microsoft.Data.Sqlite writes it (<c>2016-07-03 01:00:00.5+00:00</c>:
/// Dapper hands such parameters to the provider as they are, never to a handler). Every instant
/// we store is UTC, so the text sorts and compares in time order; code that binds parameters
/// itself passes the <see cref="DateTimeOffset"/> too, never text of its own.
/// </summary>
public static class DapperTypeHandlers
{
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    public static DateTimeOffset ParseInstant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        // SQLite keeps dates as text; PostgreSQL as DATE, which Npgsql reads as DateOnly itself.
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            if (parameter is NpgsqlParameter)
            {
                parameter.DbType = DbType.Date;
                parameter.Value = value;
                return;
            }

            parameter.DbType = DbType.String;
            parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly date => date,
            DateTime time => DateOnly.FromDateTime(time),
            _ => DateOnly.ParseExact(Convert.ToString(value, CultureInfo.InvariantCulture)!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value;

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset instant => instant,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => ParseInstant(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        };
    }
}
