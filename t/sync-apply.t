# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce::Sync against the OTRS stand-ins, with the
# planner answer scripted (a stand-in Kernel::System::SalesForce whose
# Call('sync_plan') returns a given plan and records the planner input).
# Checks the OTRS traps the apply step must handle: Get+merge+Update (full
# overwrite), ValidID 3 never reset, duplicate names/e-mails collected as
# failures with OTRS's message while the rest goes on, memberships with and
# without Active, UserPassword not re-hashed, one query per table for the
# state (beyond the 250 default list limit), the state file, the lock.

use strict;
use warnings;
use utf8;

use File::Temp qw(tempdir);
use POSIX();
use FindBin qw($Bin);
use Test::More;

my $Home = tempdir( CLEANUP => 1 );
$ENV{SALESFORCE_TEST_HOME}      = $Home;
$ENV{SALESFORCE_CONFIG_XML_DIR} = "$Bin/../Kernel/Config/Files/XML";
$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

use Kernel::System::ObjectManager;

{

    package Test::ScriptedSalesForce;
    our @ObjectDependencies = ();
    sub new { return bless { Plans => [], Inputs => [] }, shift }

    sub Call {
        my ( $Self, %Param ) = @_;
        if ( $Param{Method} eq 'usage' ) {
            return {
                api_calls => $Self->{Calls}++,
                logins    => 1,
                retries   => 0
            };
        }
        push @{ $Self->{Inputs} }, $Param{Args};
        my $Plan = shift @{ $Self->{Plans} };
        if ( !ref $Plan ) {
            $Self->{Error} = {
                name    => 'AUTH',
                message => $Plan // 'no plan scripted'
            };
            return;
        }
        return $Plan;
    }
    sub GetErrorDetails { return $_[0]->{Error} }
}

my $NewOM = sub {
    local $Kernel::OM = Kernel::System::ObjectManager->new();    ## no critic
    my $SF = Test::ScriptedSalesForce->new();
    $Kernel::OM->ObjectInstanceRegister(
        Package => 'Kernel::System::SalesForce',
        Object  => $SF,
    );
    return ( $Kernel::OM, $SF );
};

my $Plan = sub {
    my (%Param) = @_;
    return {
        kind      => $Param{Kind} // 'companies',
        soql      => 'SELECT Id, Name FROM Account',
        actions   => $Param{Actions} || [],
        skipped   => $Param{Skipped} || [],
        unchanged => $Param{Unchanged} // 0,
        cleanup   => $Param{Cleanup}
            || {
            enabled => 0,
            ran     => 0,
            refused => 0,
            reason  => 'off'
            },
        counts => {},
        fetch  => {
            records   => 3,
            pages     => 1,
            api_calls => 2,
            logins    => 1,
            retries   => 3,
            complete  => 1
        },
        sync_invalidated => $Param{SyncInvalidated}
            || {
            add    => [],
            remove => []
            },
        notes => [],
    };
};

# ---------------------------------------------------------------- companies
{
    my ( $OM, $SF ) = $NewOM->();
    local $Kernel::OM = $OM;
    my $CompanyObject = $Kernel::OM->Get('Kernel::System::CustomerCompany');
    my $DBObject      = $Kernel::OM->Get('Kernel::System::DB');

    # Existing OTRS data: 300 companies (more than the 250 list default).
    for my $N ( 1 .. 300 ) {
        my $ID = sprintf '001A0000000%07dAAA', $N;
        ok(
            scalar(
                $CompanyObject->CustomerCompanyAdd(
                    CustomerID            => $ID,
                    CustomerCompanyName   => "Old $N ($ID)",
                    CustomerCompanyStreet => "Street $N",
                    ValidID               => ( $N == 3 ? 3 : 1 ),
                    UserID                => 1,
                )
            ),
            "seed company $N"
        ) if $N <= 3 || $N > 10;
    }
    my %List = $CompanyObject->CustomerCompanyList( Valid => 0 );
    is( scalar keys %List, 250, 'stand-in: CustomerCompanyList stops at 250 by default' );
    %List = $CompanyObject->CustomerCompanyList(
        Valid => 0,
        Limit => 0
    );
    is( scalar keys %List, 293, 'stand-in: CustomerCompanyList Limit => 0 lists all' );

    # The stand-in is honest about the full-overwrite trap the sync must avoid.
    ok(
        scalar(
            $CompanyObject->CustomerCompanyAdd(
                CustomerID            => 'trap',
                CustomerCompanyName   => 'Trap',
                CustomerCompanyStreet => 'Kept?',
                ValidID               => 1,
                UserID                => 1
            )
        ),
        'stand-in: add'
    );
    ok(
        scalar(
            $CompanyObject->CustomerCompanyUpdate(
                CustomerCompanyID   => 'trap',
                CustomerID          => 'trap',
                CustomerCompanyName => 'Trap',
                ValidID             => 1,
                UserID              => 1
            )
        ),
        'stand-in: update without the street'
    );
    my %Trap = $CompanyObject->CustomerCompanyGet( CustomerID => 'TRAP' );
    is( $Trap{CustomerCompanyStreet}, undef, 'stand-in: an omitted field is overwritten with NULL (as in OTRS)' );
    ok(
        !$CompanyObject->CustomerCompanyAdd(
            CustomerID          => 'trap2',
            CustomerCompanyName => 'Trap',
            ValidID             => 1,
            UserID              => 1
        ),
        'stand-in: a duplicate name is refused'
    );
    $DBObject->StandInDelete(
        Table => 'customer_company',
        Where => sub { $_[0]->{customer_id} eq 'trap' }
    );

    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
    my $Queries    = scalar @{ $DBObject->{QueryLog} };
    my $State      = $SyncObject->OTRSState(
        Kind     => 'companies',
        Settings => {
            cleanup_action => 'invalidate',
            delete_old     => '00*'
        },
    );
    is( scalar @{ $State->{companies} },              293, 'state holds every company' );
    is( scalar @{ $DBObject->{QueryLog} } - $Queries, 3,   'state read with one query per table, not per record' );
    my ($First) = grep { $_->{CustomerID} eq '001A00000000000001AAA' } @{ $State->{companies} };
    is( $First->{CustomerCompanyStreet}, 'Street 1', 'state carries mapped columns' );
    is( $First->{ValidID},               1,          'state carries ValidID' );

    my ( $C1, $C2, $C3 ) = map { sprintf '001A0000000%07dAAA', $_ } 1 .. 3;
    my $New = '001B00000000000001AAA';
    push @{ $SF->{Plans} }, $Plan->(
        Actions => [
            {
                action => 'create',
                id     => $New,
                values => {
                    CustomerID             => $New,
                    CustomerCompanyName    => "Acme ($New)",
                    ValidID                => 1,
                    CustomerCompanyComment => '2024-01-02 03:04:05'
                },
                memberships_add => []
            },
            {
                action => 'create',
                id     => '001B00000000000002AAA',
                values => {
                    CustomerID          => '001B00000000000002AAA',
                    CustomerCompanyName => "Old 1 ($C1)",
                    ValidID             => 1
                },
            },
            {
                action  => 'update',
                id      => $C1,
                changes => { CustomerCompanyCity => 'Berlin' }
            },
            {
                action  => 'update',
                id      => $C3,
                changes => {
                    CustomerCompanyCity => 'Paris',
                    ValidID             => 1
                }
            },
            {
                action => 'invalidate',
                id     => $C2,
                reason => 'no longer returned by Salesforce'
            },
        ],
        Unchanged => 7,
        Skipped   => [ { id => '001X', name => '*Test', reason => 'names starting with * are excluded' } ],
    );
    my $Report = $SyncObject->Sync( Kind => 'companies' );
    is( $Report->{exit_code}, 1,        'a failed record gives exit code 1' );
    is( $Report->{status},    'failed', 'status failed' );
    is_deeply(
        [ map { $Report->{counts}->{$_} } qw(created updated unchanged invalidated skipped failed) ],
        [ 1, 2, 7, 1, 1, 1 ],
        'counts'
    );
    like(
        $Report->{failed}->[0]->{reason},
        qr/CustomerCompanyAdd failed: .*customer_company_name/,
        'duplicate name: DB error reported'
    );
    is( $Report->{failed}->[0]->{id}, '001B00000000000002AAA', 'failure names the record' );

    is( $Report->{api_calls}, 2, 'API calls: the planner counts them (fetch.api_calls)' );
    is_deeply(
        [ @{ $Report->{usage} }{qw(api_calls logins retries)} ],
        [ 2, 1, 3 ],
        'usage: API calls, logins and retries of this run from the plan (fetch)'
    );
    ok(
        !exists $Report->{fetch}->{logins} && !exists $Report->{fetch}->{retries},
        'report fetch keeps its shape: logins and retries are under usage'
    );

    my %C1 = $CompanyObject->CustomerCompanyGet( CustomerID => $C1 );
    is( $C1{CustomerCompanyCity},   'Berlin',   'update applied' );
    is( $C1{CustomerCompanyStreet}, 'Street 1', 'update kept the fields it did not change (Get + merge)' );
    my %C3 = $CompanyObject->CustomerCompanyGet( CustomerID => $C3 );
    is( $C3{ValidID},             3,       'ValidID 3 is never reset' );
    is( $C3{CustomerCompanyCity}, 'Paris', '... while the other change is applied' );
    my %C2 = $CompanyObject->CustomerCompanyGet( CustomerID => $C2 );
    is( $C2{ValidID},               2,          'invalidated' );
    is( $C2{CustomerCompanyStreet}, 'Street 2', 'invalidation kept the fields' );
    my %NewCompany = $CompanyObject->CustomerCompanyGet( CustomerID => $New );
    is(
        $NewCompany{CustomerCompanyComment}, '2024-01-02 03:04:05',
        'a datetime in the OTRS form the planner gives is written as it is'
    );

    my $StateFile = "$Home/var/salesforce-sync/companies.json";
    ok( -e $StateFile, 'state file written' );
    my $Stored = $SyncObject->OTRSState( Kind => 'companies' );
    is_deeply( $Stored->{sync_invalidated}, [$C2], 'the invalidated id is remembered' );

    # Next run: the company is back; the planner says remove it from the list.
    push @{ $SF->{Plans} }, $Plan->(
        Actions         => [ { action => 'update', id => $C2, changes => { ValidID => 1 } } ],
        SyncInvalidated => {
            add    => [],
            remove => [$C2]
        },
    );
    $Report = $SyncObject->Sync( Kind => 'companies' );
    is( $Report->{exit_code}, 0, 'second run ok' );
    is_deeply( $SF->{Inputs}->[-1]->{otrs}->{sync_invalidated}, [$C2], 'planner got the remembered id' );
    %C2 = $CompanyObject->CustomerCompanyGet( CustomerID => $C2 );
    is( $C2{ValidID}, 1, 'made valid again' );
    is_deeply( $SyncObject->OTRSState( Kind => 'companies' )->{sync_invalidated}, [], 'list emptied' );

    # Dry run writes nothing.
    my %Before = %{ $CompanyObject->{StandInCalls} };
    push @{ $SF->{Plans} }, $Plan->( Actions => [ { action => 'invalidate', id => $C1, reason => 'x' } ] );
    $Report = $SyncObject->Sync(
        Kind   => 'companies',
        DryRun => 1
    );
    is( $Report->{exit_code}, 0, 'dry run ok' );
    is_deeply( $CompanyObject->{StandInCalls}, \%Before, 'dry run: no write call' );
    is( scalar @{ $Report->{actions} }, 1, 'dry run reports the actions' );

    # Refused cleanup: other actions still applied, exit 2.
    push @{ $SF->{Plans} }, $Plan->(
        Actions => [ { action => 'update', id => $C1, changes => { CustomerCompanyCity => 'Bonn' } } ],
        Cleanup => {
            enabled    => 1,
            ran        => 0,
            refused    => 1,
            candidates => 50,
            synced     => 100,
            share      => 0.5,
            max_share  => 0.1
        },
    );
    $Report = $SyncObject->Sync( Kind => 'companies' );
    is( $Report->{exit_code}, 2, 'refused cleanup: exit code 2' );
    like( $Report->{message}, qr/--force/,                                    'message names --force' );
    like( $Report->{message}, qr/SalesForceModule::Cleanup::MaxSharePercent/, 'message names the setting' );
    %C1 = $CompanyObject->CustomerCompanyGet( CustomerID => $C1 );
    is( $C1{CustomerCompanyCity}, 'Bonn', 'the other actions were applied' );

    # Salesforce unreadable: nothing done, exit 3, no state change.
    push @{ $SF->{Plans} }, 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.';
    %Before = %{ $CompanyObject->{StandInCalls} };
    $Report = $SyncObject->Sync( Kind => 'companies' );
    is( $Report->{exit_code}, 3, 'unreadable: exit code 3' );
    like( $Report->{message}, qr/Nothing was changed.*INVALID_LOGIN/, 'message says why' );
    is_deeply( $CompanyObject->{StandInCalls}, \%Before, 'unreadable: no write call' );
}

# ---------------------------------------------------------------- customers
{
    my ( $OM, $SF ) = $NewOM->();
    local $Kernel::OM = $OM;
    my $UserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $DBObject   = $Kernel::OM->Get('Kernel::System::DB');

    ok(
        scalar(
            $UserObject->CustomerUserAdd(
                Source         => 'CustomerUser',
                UserLogin      => '005A00000000000001AAA',
                UserFirstname  => 'Ann',
                UserLastname   => 'Old',
                UserEmail      => 'ann@acme.org',
                UserCustomerID => '1',
                UserPassword   => 'secret-pw',
                UserPhone      => '123',
                ValidID        => 1,
                UserID         => 1,
            )
        ),
        'seed user'
    );
    ok(
        scalar(
            $UserObject->CustomerUserAdd(
                Source         => 'CustomerUser',
                UserLogin      => 'hand-made',
                UserFirstname  => 'Hand',
                UserLastname   => 'Made',
                UserEmail      => 'taken@acme.org',
                UserCustomerID => 'x',
                ValidID        => 2,
                UserID         => 1,
            )
        ),
        'seed invalid user'
    );
    for my $CustomerID (qw(001A00000000000001AAA 001A00000000000009AAA)) {
        $UserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => '005A00000000000001AAA',
            CustomerID     => $CustomerID,
            Active         => 1,
            UserID         => 1,
        );
    }
    my $PasswordBefore = (
        grep { $_->{login} eq '005A00000000000001AAA' } @{ $DBObject->StandInRows('customer_user') }
    )[0]->{pw};

    # Stand-in checks of the OTRS behaviours.
    ok(
        !$UserObject->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => 'dup',
            UserFirstname  => 'D',
            UserLastname   => 'D',
            UserEmail      => 'TAKEN@acme.org',
            UserCustomerID => '1',
            ValidID        => 1,
            UserID         => 1,
        ),
        'stand-in: duplicate e-mail of an invalid user refused'
    );
    is(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
            Type => 'error',
            What => 'Message'
        ),
        'This email address is already in use for another customer user.',
        'stand-in: OTRS message'
    );
    ok(
        !$UserObject->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => 'ex',
            UserFirstname  => 'E',
            UserLastname   => 'X',
            UserEmail      => 'e@example.com',
            UserCustomerID => '1',
            ValidID        => 1,
            UserID         => 1,
        ),
        'stand-in: @example.com refused by the default CheckEmailInvalidAddress'
    );

    # More users than CustomerSearch returns by default (250, and Limit => 0 is still 250).
    for my $N ( 1 .. 260 ) {
        $UserObject->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => "bulk-$N",
            UserFirstname  => 'Bulk',
            UserLastname   => $N,
            UserEmail      => "bulk-$N\@acme.org",
            UserCustomerID => 'bulk',
            ValidID        => 1,
            UserID         => 1,
        ) or die "bulk user $N";
    }
    my %Found = $UserObject->CustomerSearch(
        UserLogin => 'bulk',
        Valid     => 0,
        Limit     => 0
    );
    is( scalar keys %Found, 250, 'stand-in: CustomerSearch stops at 250 even with Limit => 0' );

    ok(
        scalar $UserObject->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => 'inv',
            UserFirstname  => 'I',
            UserLastname   => 'V',
            UserEmail      => 'inv@example.com',
            UserCustomerID => '1',
            ValidID        => 2,
            UserID         => 1,
        ),
        'stand-in: an invalid user skips the e-mail check (as in OTRS)'
    );
    ok(
        !$UserObject->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => 'nofirst',
            UserLastname   => 'V',
            UserEmail      => 'nofirst@acme.org',
            UserCustomerID => '1',
            ValidID        => 1,
            UserID         => 1,
        ),
        'stand-in: a required field missing'
    );
    is(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
            Type => 'error',
            What => 'Message'
        ),
        'Need UserFirstname!',
        'stand-in: ... with the OTRS message'
    );
    $DBObject->StandInDelete(
        Table => 'customer_user',
        Where => sub { $_[0]->{login} eq 'inv' }
    );

    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
    my $State      = $SyncObject->OTRSState( Kind => 'customers' );
    my ($Ann)      = grep { $_->{UserLogin} eq '005A00000000000001AAA' } @{ $State->{users} };
    is_deeply( $Ann->{CustomerIDs}, [qw(001A00000000000001AAA 001A00000000000009AAA)], 'state: memberships' );
    ok( !exists $Ann->{UserPassword}, 'state: no password hash' );
    is( scalar @{ $State->{users} }, 262, 'state: all users, invalid ones included, beyond 250' );

    push @{ $SF->{Plans} }, $Plan->(
        Kind    => 'customers',
        Actions => [
            {
                action => 'create',
                id     => '005A00000000000002AAA',
                values => {
                    UserLogin      => '005A00000000000002AAA',
                    UserFirstname  => 'Bob',
                    UserLastname   => 'New',
                    UserEmail      => 'bob@acme.org',
                    UserCustomerID => '1',
                    ValidID        => 1
                },
                memberships_add => [qw(001A00000000000001AAA 001A00000000000002AAA)],
            },
            {
                action => 'create',
                id     => '005A00000000000003AAA',
                values => {
                    UserLogin      => '005A00000000000003AAA',
                    UserFirstname  => 'Cid',
                    UserLastname   => 'Dup',
                    UserEmail      => 'taken@acme.org',
                    UserCustomerID => '1',
                    ValidID        => 1
                },
                memberships_add => ['001A00000000000001AAA'],
            },
            {
                action             => 'update',
                id                 => '005A00000000000001AAA',
                changes            => { UserLastname => 'New' },
                memberships_add    => ['001A00000000000003AAA'],
                memberships_remove => ['001A00000000000009AAA'],
            },
        ],
    );
    my $Report = $SyncObject->Sync( Kind => 'customers' );
    is( $Report->{exit_code},         1, 'duplicate e-mail: exit 1' );
    is( $Report->{counts}->{created}, 1, 'one created' );
    is( $Report->{counts}->{updated}, 1, 'one updated' );
    is( $Report->{counts}->{failed},  1, 'one failed' );
    like(
        $Report->{failed}->[0]->{reason},
        qr/This email address is already in use for another customer user/,
        'failure carries the OTRS log message'
    );
    is_deeply(
        [ $UserObject->CustomerUserCustomerMemberList( CustomerUserID => '005A00000000000002AAA' ) ],
        [qw(001A00000000000001AAA 001A00000000000002AAA)],
        'memberships added with Active => 1'
    );
    is_deeply(
        [ $UserObject->CustomerUserCustomerMemberList( CustomerUserID => '005A00000000000001AAA' ) ],
        [qw(001A00000000000001AAA 001A00000000000003AAA)],
        'membership removed (no Active) and added'
    );
    is_deeply(
        [ $UserObject->CustomerUserCustomerMemberList( CustomerUserID => '005A00000000000003AAA' ) ],
        [], 'no memberships for the user that failed'
    );
    my %Ann = $UserObject->CustomerUserDataGet( User => '005A00000000000001AAA' );
    is( $Ann{UserLastname}, 'New', 'update applied' );
    is( $Ann{UserPhone},    '123', 'unchanged field kept (Get + merge)' );
    my $PasswordAfter = (
        grep { $_->{login} eq '005A00000000000001AAA' } @{ $DBObject->StandInRows('customer_user') }
    )[0]->{pw};
    is( $PasswordAfter, $PasswordBefore, 'password hash not re-hashed by the update' );
}

# ------------------------------------------- datetimes: the planner gives the OTRS form
# The plans above are scripted. The real planner turns a Salesforce datetime
# into the OTRS form, so the apply step writes the plan's values as they come.
SKIP: {
    skip 'SalesForce::XS is not built', 1 if !eval { require SalesForce::XS; 1 };
    my $Planned = SalesForce::XS::plan(
        {
            kind     => 'companies',
            settings => { attributes => { CustomerCompanyComment => 'CreatedDate' } },
            records  => [
                {
                    Id          => '001B00000000001AAA',
                    Name        => 'Acme',
                    CreatedDate => '2024-01-02T03:04:05.000+0000'
                }
            ],
            otrs => {
                companies        => [],
                users            => [],
                referenced       => [],
                sync_invalidated => []
            },
        }
    );
    is(
        $Planned->{actions}->[0]->{values}->{CustomerCompanyComment}, '2024-01-02 03:04:05',
        'the real planner gives a Salesforce datetime in the OTRS form'
    );
}

# ------------------------------------------------------- unsupported backend
{
    my ( $OM, $SF ) = $NewOM->();
    local $Kernel::OM = $OM;
    $Kernel::OM->Get('Kernel::Config')->Set(
        Key   => 'CustomerUser',
        Value => {
            Module => 'Kernel::System::CustomerUser::LDAP',
            Params => {}
        },
    );
    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
    my $Report     = $SyncObject->Sync( Kind => 'customers' );
    is( $Report->{exit_code}, 1, 'LDAP customer backend: refused with exit 1' );
    like(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
            Type => 'error',
            What => 'Message'
        ),
        qr/CustomerUser backend is not supported because its module is Kernel::System::CustomerUser::LDAP/,
        'LDAP customer backend: the log says why'
    );
    is( scalar @{ $SF->{Inputs} }, 0, 'LDAP customer backend: Salesforce not even asked' );
}

# --------------------------------------------------------------------- lock
{
    my ( $OM, $SF ) = $NewOM->();
    local $Kernel::OM = $OM;
    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');

    pipe my $Reader, my $Writer or die "pipe: $!";
    my $Child = fork();
    die "fork: $!" if !defined $Child;
    if ( !$Child ) {
        close $Reader;
        local $Kernel::OM = Kernel::System::ObjectManager->new();    ## no critic
        my $Other = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
        my $Got   = $Other->LockAcquire();
        print {$Writer} ( $Got ? "locked\n" : "failed\n" );
        close $Writer;
        sleep 3;
        $Other->LockRelease();
        POSIX::_exit(0);                                             ## no critic
    }
    close $Writer;
    my $Line = <$Reader>;
    is( $Line, "locked\n", 'another process holds the lock' );
    my ( $Got, $Message ) = $SyncObject->LockAcquire( Wait => 0 );
    ok( !$Got, 'second sync refused while the first runs' );
    like( $Message, qr/Another SalesForce sync is running/, 'clear message' );
    ( $Got, $Message ) = $SyncObject->LockAcquire( Wait => 10 );
    ok( $Got, 'with --wait the second sync gets the lock when the first ends' );
    $SyncObject->LockRelease();
    waitpid $Child, 0;

    # A crashed run's PID entry on this host does not block forever.
    my $PIDObject = $Kernel::OM->Get('Kernel::System::PID');
    $PIDObject->{Host} = 'here';
    $Kernel::OM->Get('Kernel::Config')->Set(
        Key   => 'FQDN',
        Value => 'here'
    );
    my $Dead = fork();
    if ( !$Dead ) { POSIX::_exit(0) }    ## no critic
    waitpid $Dead, 0;
    $PIDObject->_Write( 'SalesForceSync', join "\t", 'SalesForceSync', $Dead, 'here', time(), time() );
    ( $Got, $Message ) = $SyncObject->LockAcquire( Wait => 0 );
    ok( $Got, 'a stale entry of a dead process on this host is replaced' ) or diag $Message;
    $SyncObject->LockRelease();
}

done_testing();
