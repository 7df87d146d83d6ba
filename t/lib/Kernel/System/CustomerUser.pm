# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::CustomerUser;

# CI stand-in for Kernel::System::CustomerUser (OTRS 6, one DB backend
# "CustomerUser"). Behaviours kept (doc/dev/DESIGN.md, "Customer user
# backends" to "Company memberships", and "Stand-in behaviour checklist"):
#   * CustomerUserAdd: check order and messages of "CustomerUserAdd"
#     (existing login, required map fields, UserID, UserLogin, duplicate
#     e-mail against ALL users incl. invalid ones, e-mail validity only for
#     ValidID 1 via CheckItem); missing var fields stored as '', int as 0;
#     returns login.
#   * CustomerUserDataGet: case-insensitive; map params incl. UserPassword
#     (hash), UserID, UserFullname, UserMailString, company fields,
#     preferences, Source, Config; empty list when not found.
#   * CustomerUserUpdate: needs ID; full overwrite; duplicate e-mail check
#     only when the e-mail changed; non-empty UserPassword is hashed again;
#     a login rename moves preferences but not relation rows.
#   * CustomerSearch: UserLogin substring, PostMasterSearch exact, Valid
#     default 1, Limit default 250 and Limit => 0 still 250.
#   * CustomerUserCustomerMemberAdd: delete, then insert only with Active.
# Every call of a writing method is counted in $Self->{StandInCalls}.

use strict;
use warnings;

use Digest::SHA();

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::CheckItem',
    'Kernel::System::CustomerCompany',
    'Kernel::System::DB',
    'Kernel::System::Log',
);

my @DefaultMap = (
    [ 'UserTitle',      'Title',      'title',       1, 0, 'var', '', 0 ],
    [ 'UserFirstname',  'Firstname',  'first_name',  1, 1, 'var', '', 0 ],
    [ 'UserLastname',   'Lastname',   'last_name',   1, 1, 'var', '', 0 ],
    [ 'UserLogin',      'Username',   'login',       1, 1, 'var', '', 0 ],
    [ 'UserPassword',   'Password',   'pw',          0, 0, 'var', '', 0 ],
    [ 'UserEmail',      'Email',      'email',       1, 1, 'var', '', 0 ],
    [ 'UserCustomerID', 'CustomerID', 'customer_id', 0, 1, 'var', '', 0 ],
    [ 'UserPhone',      'Phone',      'phone',       1, 0, 'var', '', 0 ],
    [ 'UserFax',        'Fax',        'fax',         1, 0, 'var', '', 0 ],
    [ 'UserMobile',     'Mobile',     'mobile',      1, 0, 'var', '', 0 ],
    [ 'UserStreet',     'Street',     'street',      1, 0, 'var', '', 0 ],
    [ 'UserZip',        'Zip',        'zip',         1, 0, 'var', '', 0 ],
    [ 'UserCity',       'City',       'city',        1, 0, 'var', '', 0 ],
    [ 'UserCountry',    'Country',    'country',     1, 0, 'var', '', 0 ],
    [ 'UserComment',    'Comment',    'comments',    1, 0, 'var', '', 0 ],
    [ 'ValidID',        'Valid',      'valid_id',    0, 1, 'int', '', 0 ],
);

my %ProtectedPreferences = map { $_ => 1 } qw(
    UserID UserLogin UserPassword UserFirstname UserLastname UserFullname UserStreet UserCity UserZip
    UserCountry UserComment UserCustomerID UserTitle UserEmail ChangeTime ChangeBy CreateTime CreateBy
    UserPhone UserMobile UserFax UserMailString ValidID
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless { StandInCalls => {} }, $Type;

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get('CustomerUser');
    $Self->{Map}    = ( ref $Config eq 'HASH' && ref $Config->{Map} eq 'ARRAY' ) ? $Config->{Map} : \@DefaultMap;
    $Self->{Config} = ref $Config eq 'HASH'                                      ? $Config : { Map => $Self->{Map} };
    $Self->{EmailUniqCheck} = $Self->{Config}->{CustomerUserEmailUniqCheck} // 1;
    $Self->{NextID}         = 1;
    return $Self;
}

sub CustomerUserAdd {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{CustomerUserAdd}++;

    if ( $Param{UserLogin} && $Self->_Find( $Param{UserLogin} ) ) {
        return $Self->_Error("Customer user \"$Param{UserLogin}\" already exists.");
    }
    for my $Entry ( $Self->_Columns() ) {
        next if !$Entry->[4];
        next if $Entry->[0] eq 'UserLogin';
        if ( !$Param{ $Entry->[0] } ) {
            return $Self->_Error("Need $Entry->[0]!");
        }
    }
    if ( !$Param{UserID} ) {
        return $Self->_Error('Need UserID!');
    }
    if ( !$Param{UserLogin} ) {
        return $Self->_Error('Need UserLogin!');
    }
    if ( $Self->{EmailUniqCheck} && $Self->_EmailInUse( $Param{UserEmail} ) ) {
        return $Self->_Error('This email address is already in use for another customer user.');
    }
    return if !$Self->_CheckEmail(%Param);

    my $Now = _Now();
    my %Row = (
        id          => $Self->{NextID}++,
        create_time => $Now,
        change_time => $Now,
        create_by   => $Param{UserID},
        change_by   => $Param{UserID},
    );
    for my $Entry ( $Self->_Columns() ) {
        next if $Entry->[0] eq 'UserPassword';
        $Row{ $Entry->[2] } = $Self->_Stored( $Entry, $Param{ $Entry->[0] } );
    }
    return if !$Kernel::OM->Get('Kernel::System::DB')->StandInInsert(
        Table => 'customer_user',
        Row   => \%Row,
    );
    if ( $Param{UserPassword} ) {
        $Self->SetPassword(
            UserLogin => $Param{UserLogin},
            PW        => $Param{UserPassword},
        );
    }
    return $Param{UserLogin};
}

sub CustomerUserDataGet {
    my ( $Self, %Param ) = @_;

    return if !$Param{User};
    my $Row = $Self->_Find( $Param{User} );
    return if !$Row;

    my %Data;
    my %Company = $Kernel::OM->Get('Kernel::System::CustomerCompany')->CustomerCompanyGet(
        CustomerID => $Row->{customer_id},
    );
    if (%Company) {
        $Company{CustomerCompanyValidID} = $Company{ValidID};
        %Data = %Company;
    }
    for my $Entry ( $Self->_Columns() ) {
        $Data{ $Entry->[0] } = $Row->{ $Entry->[2] };
    }
    $Data{CreateTime}     = $Row->{create_time};
    $Data{ChangeTime}     = $Row->{change_time};
    $Data{CreateBy}       = $Row->{create_by};
    $Data{ChangeBy}       = $Row->{change_by};
    $Data{UserID}         = $Row->{login};
    $Data{UserFullname}   = join ' ', grep { defined && length } @Data{qw(UserTitle UserFirstname UserLastname)};
    $Data{UserMailString} = "\"$Data{UserFirstname} $Data{UserLastname}\" <$Data{UserEmail}>";
    my %Preferences = $Self->GetPreferences( UserID => $Row->{login} );
    %Data                = ( %Data, %Preferences );
    $Data{Source}        = 'CustomerUser';
    $Data{Config}        = $Self->{Config};
    $Data{CompanyConfig} = $Company{Config} if %Company;
    return %Data;
}

sub CustomerUserUpdate {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{CustomerUserUpdate}++;

    if ( !$Param{UserLogin} ) {
        return $Self->_Error('Need UserLogin!');
    }
    if ( $Param{ID} && lc $Param{UserLogin} ne lc $Param{ID} && $Self->_Find( $Param{UserLogin} ) ) {
        return $Self->_Error("Customer user \"$Param{UserLogin}\" already exists.");
    }
    my $Row = $Self->_Find( $Param{ID} || $Param{UserLogin} );
    if ( !$Row ) {
        return $Self->_Error("No such user '$Param{UserLogin}'!");
    }
    my %Old;
    if ( $Param{ID} ) {
        %Old = %{$Row};
    }
    else {
        $Self->_Error('Need User!');
    }

    for my $Entry ( $Self->_Columns() ) {
        next if !$Entry->[4];
        next if $Entry->[0] eq 'UserPassword';
        if ( !$Param{ $Entry->[0] } ) {
            return $Self->_Error("Need $Entry->[0]!");
        }
    }
    return if !$Self->_CheckEmail(%Param);
    if (
        $Self->{EmailUniqCheck}
        && lc( $Param{UserEmail} // '' ) ne lc( $Old{email} // '' )
        && $Self->_EmailInUse( $Param{UserEmail} )
        )
    {
        return $Self->_Error('This email address is already in use for another customer user.');
    }

    # Without ID the real backend's WHERE clause matches nothing.
    return 1 if !$Param{ID};

    my %Set = (
        change_time => _Now(),
        change_by   => $Param{UserID},
    );
    for my $Entry ( $Self->_Columns() ) {
        next if $Entry->[0] eq 'UserPassword';
        $Set{ $Entry->[2] } = $Self->_Stored( $Entry, $Param{ $Entry->[0] } );
    }
    my $OldLogin = $Row->{login};
    return if !$Kernel::OM->Get('Kernel::System::DB')->StandInUpdate(
        Table => 'customer_user',
        Where => sub { $_[0]->{login} eq $OldLogin },
        Set   => \%Set,
    );
    if ( $Param{UserPassword} ) {
        $Self->SetPassword(
            UserLogin => $Param{UserLogin},
            PW        => $Param{UserPassword},
        );
    }
    if ( $OldLogin ne $Param{UserLogin} ) {
        for my $Preference ( @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_preferences') } ) {
            if ( $Preference->{user_id} eq $OldLogin ) {
                $Preference->{user_id} = $Param{UserLogin};
            }
        }
    }
    return 1;
}

sub SetPassword {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{SetPassword}++;
    my $Row = $Self->_Find( $Param{UserLogin} );
    return if !$Row;
    $Row->{pw} = Digest::SHA::sha256_hex( $Param{PW} // '' );
    return 1;
}

sub CustomerSearch {
    my ( $Self, %Param ) = @_;

    my $Valid = $Param{Valid} // 1;
    my $Limit = $Param{Limit} || 250;

    my $Match;
    if ( defined $Param{PostMasterSearch} ) {
        my $Email = lc $Param{PostMasterSearch};
        $Match = sub { lc( $_[0]->{email} // '' ) eq $Email };
    }
    elsif ( defined $Param{UserLogin} ) {
        my $Login = lc $Param{UserLogin};
        $Login =~ s{\*}{}smxg;
        $Match = sub { index( lc $_[0]->{login}, $Login ) >= 0 };
    }
    elsif ( defined $Param{CustomerIDRaw} ) {
        my $ID = lc $Param{CustomerIDRaw};
        $Match = sub { lc $_[0]->{customer_id} eq $ID };
    }
    elsif ( defined $Param{Search} ) {
        my $Term = lc $Param{Search};
        $Term =~ s{\*}{}smxg;
        $Match = sub {
            grep { index( lc( $_ // '' ), $Term ) >= 0 } @{ $_[0] }{qw(login first_name last_name customer_id)};
        };
    }
    else {
        $Self->_Error('Need Search, UserLogin, PostMasterSearch, CustomerIDRaw or CustomerID!');
        return;
    }

    my %Result;
    ROW:
    for my $Row (
        sort { $a->{login} cmp $b->{login} }
        @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_user') }
        )
    {
        next ROW if $Valid && $Row->{valid_id} != 1;
        next ROW if !$Match->($Row);
        last ROW if keys %Result >= $Limit;
        $Result{ $Row->{login} } = "\"$Row->{first_name} $Row->{last_name}\" <$Row->{email}>";
    }
    return %Result;
}

sub CustomerUserCustomerMemberAdd {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{CustomerUserCustomerMemberAdd}++;
    for my $Needed (qw(CustomerUserID CustomerID UserID)) {
        if ( !$Param{$Needed} ) {
            return $Self->_Error("Need $Needed!");
        }
    }
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->StandInDelete(
        Table => 'customer_user_customer',
        Where => sub { $_[0]->{user_id} eq $Param{CustomerUserID} && $_[0]->{customer_id} eq $Param{CustomerID} },
    );
    return 1 if !$Param{Active};

    my $Now = _Now();
    return $DBObject->StandInInsert(
        Table => 'customer_user_customer',
        Row   => {
            user_id     => $Param{CustomerUserID},
            customer_id => $Param{CustomerID},
            create_time => $Now,
            change_time => $Now,
            create_by   => $Param{UserID},
            change_by   => $Param{UserID},
        },
    );
}

sub CustomerUserCustomerMemberList {
    my ( $Self, %Param ) = @_;

    my $Rows = $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_user_customer');
    if ( $Param{CustomerUserID} ) {
        return sort map { $_->{customer_id} } grep { $_->{user_id} eq $Param{CustomerUserID} } @{$Rows};
    }
    if ( $Param{CustomerID} ) {
        return sort map { $_->{user_id} } grep { $_->{customer_id} eq $Param{CustomerID} } @{$Rows};
    }
    $Self->_Error('Got no CustomerUserID or CustomerID!');
    return;
}

sub CustomerUserCacheClear {
    my ( $Self, %Param ) = @_;

    return 1;
}

sub SetPreferences {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{SetPreferences}++;
    if ( !$Param{UserID} ) {
        return $Self->_Error('Need UserID!');
    }
    return 0 if $ProtectedPreferences{ $Param{Key} // '' };
    if ( !$Self->_Find( $Param{UserID} ) ) {
        return $Self->_Error("No such user '$Param{UserID}'!");
    }
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->StandInDelete(
        Table => 'customer_preferences',
        Where => sub { $_[0]->{user_id} eq $Param{UserID} && $_[0]->{preferences_key} eq $Param{Key} },
    );
    return $DBObject->StandInInsert(
        Table => 'customer_preferences',
        Row   => {
            user_id           => $Param{UserID},
            preferences_key   => $Param{Key},
            preferences_value => $Param{Value},
        },
    );
}

sub GetPreferences {
    my ( $Self, %Param ) = @_;

    my %Preferences;
    for my $Row ( @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_preferences') } ) {
        next if $Row->{user_id} ne ( $Param{UserID} // '' );
        $Preferences{ $Row->{preferences_key} } = $Row->{preferences_value};
    }
    return %Preferences;
}

sub _CheckEmail {
    my ( $Self, %Param ) = @_;

    return 1 if ( $Param{ValidID} // 0 ) != 1;
    my $CheckItemObject = $Kernel::OM->Get('Kernel::System::CheckItem');
    return 1 if $CheckItemObject->CheckEmail( Address => $Param{UserEmail} );
    my $Error = $CheckItemObject->CheckError();
    return $Self->_Error("Email address ($Param{UserEmail}) not valid ($Error)!");
}

sub _EmailInUse {
    my ( $Self, $Email ) = @_;

    return if !defined $Email;
    my %Found = $Self->CustomerSearch(
        PostMasterSearch => $Email,
        Valid            => 0,
    );
    return %Found ? 1 : 0;
}

sub _Stored {
    my ( $Self, $Entry, $Value ) = @_;

    if ( ( $Entry->[5] // '' ) eq 'int' ) {
        return $Value ? int $Value : 0;
    }
    return $Value ? $Value : '';
}

sub _Columns {
    my ($Self) = @_;

    return grep { ( $_->[5] // '' ) ne 'dynamic_field' } @{ $Self->{Map} };
}

sub _Find {
    my ( $Self, $Login ) = @_;

    return if !defined $Login;
    for my $Row ( @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_user') } ) {
        return $Row if lc $Row->{login} eq lc $Login;
    }
    return;
}

sub _Error {
    my ( $Self, $Message ) = @_;

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Caller   => 1,
        Message  => $Message,
    );
    return;
}

sub _Now {
    my @T = gmtime();
    return sprintf '%04d-%02d-%02d %02d:%02d:%02d', $T[5] + 1900, $T[4] + 1, $T[3], $T[2], $T[1], $T[0];
}

1;
