# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package SalesForceTest::Soak;

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)

use File::Temp qw(tempdir);
use File::Spec;
use File::Basename qw(dirname);
use HTTP::Tiny;
use JSON::PP ();
use Time::HiRes();

use SalesForceTest::Fake;
use SalesForceTest::Sync;

=head1 NAME

SalesForceTest::Soak - many syncs in a row against the fake org, with random faults and data changes

=head1 SYNOPSIS

    my $Soak   = SalesForceTest::Soak->new( Runs => 50, Seed => 7 );
    my $Result = $Soak->Run();
    # $Result->{RecordsLost} must be 0, $Result->{FinalMismatches} empty

=head1 DESCRIPTION

Starts the fake org (HTTPS, generated data), then does C<Runs> rounds. A round:

=over 4

=item 1. random changes to the Salesforce data (seeded): Accounts added, renamed,
changed (BillingCity), removed (recycle bin), brought back (undelete), given a new
owner; people (Users, the Account owners) added, renamed, changed (Email), removed
(all their Accounts move to someone else), brought back (they own an Account again);

=item 2. Admin::SalesForce::SyncCompanies, then ::SyncCustomers (AccountOwner
mode), both with DeleteOld C<00*> and the cleanup action "invalidate", each with a
random fault of the fake (or none);

=item 3. the loss check: every company / customer user that was valid in OTRS
before the run and that Salesforce still has must still be there and valid.

=back

After the rounds, one clean run of both commands; then the OTRS stand-ins must
equal what Salesforce holds. What Salesforce holds is read by this module itself
over the fake's REST API (OAuth password flow, C<HTTP::Tiny>), not through the
Rust client and never from the plan.

The random choices come from Perl's C<rand> after C<srand(Seed)>: the same seed on
the same Perl gives the same faults and changes.

=head1 PUBLIC INTERFACE

=head2 new()

    my $Soak = SalesForceTest::Soak->new(
        Runs     => 50,       # rounds of both commands
        Seed     => 7,        # random seed
        Accounts => 450,      # optional, generated Accounts (batch size 200: 3 pages)
        Owners   => 6,        # optional, generated owners
        Log      => sub { print "$_[0]\n" },    # optional progress lines
        Sabotage => sub { my ($Command) = @_; },    # optional, for the self-check of the test:
                                                    # called after each faulty run, may break OTRS
    );

=cut

# The faults the fake offers (fake-salesforce/README.md), with the call kinds
# they are put on.
my @FaultKinds = (
    'http500',         'http503',           'drop',               'drop_mid_body',
    'truncate',        'slow',              'invalid_session',    'request_limit',
    'invalid_locator', 'unknown_exception', 'server_unavailable', 'query_timeout',
    'latency',         'invalid_login',     'login_refused',
);
my @ChangeKinds = qw(
    account_add account_rename account_field account_remove account_restore account_owner
    person_add person_rename person_field person_remove person_restore
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless {
        Runs     => $Param{Runs}     // 6,
        Seed     => $Param{Seed}     // 1,
        Accounts => $Param{Accounts} // 450,
        Owners   => $Param{Owners}   // 6,
        Log      => $Param{Log} || sub { },
        Sabotage => $Param{Sabotage},
        Counter  => 0,
    }, $Type;
    return $Self;
}

=head2 Run()

Runs the soak and returns the figures:

    {
        Seed => 7, Runs => 50, Commands => 102,
        Exits           => { SyncCompanies => { 0 => 40, 3 => 11 }, SyncCustomers => { ... } },
        FaultsInjected  => { http500 => 4, none => 20, ... },    # rules set (by kind)
        FaultsFired     => { http500 => 4, ... },                # as counted by the fake
        Changes         => { account_add => 12, ... },
        RecordsChecked  => 12345,    # record checks after every run and at the end
        RecordsLost     => 0,        # valid record that Salesforce still had, made invalid or gone
        Lost            => [ '...' ],                      # details
        FinalMismatches => [ '...' ],                      # final state != Salesforce
        Problems        => [ '...' ],    # clean run failed, record failed (exit 1), data change failed,
                                         # or an exit-3 run changed OTRS
        FinalCompanies  => 451, FinalCustomers => 7,
        Seconds         => 123,
    }

=cut

sub Run {
    my ( $Self, %Param ) = @_;

    my $Start = Time::HiRes::time();
    srand( $Self->{Seed} );

    my $Fake = SalesForceTest::Sync->StartFake(
        Generate => "accounts=$Self->{Accounts},owners=$Self->{Owners},contacts=0,leads=0",
        Args     => [ '--seed', $Self->{Seed} ],
    );
    $Self->{Fake} = $Fake;

    SalesForceTest::Sync->Configure(
        Fake => $Fake,
        Home => tempdir(
            'soak-otrs-XXXXXX',
            TMPDIR  => 1,
            CLEANUP => 1
        ),
        Settings => {
            'SalesForceModule::BatchSize'                                              => 200,
            'SalesForceModule::Timeout'                                                => 20,
            'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity',
            'SalesForceModule::Companies::DeleteOld'                                   => '00*',
            'SalesForceModule::Customers::DeleteOld'                                   => '00*',
            'SalesForceModule::Customers::Mode'                                        => 'AccountOwner',
            'SalesForceModule::Customers::DefaultCustomerID'                           => 'sf-default',
            'SalesForceModule::Cleanup::Action'                                        => 'invalidate',

            # Random removals pile up while runs fail; the share limit (tested elsewhere)
            # would then stop the cleanup with exit 2, which is not what this test is about.
            'SalesForceModule::Cleanup::MaxSharePercent' => 100,

            # the fake's addresses are @example.*, which OTRS rejects by default
            'CheckEmailInvalidAddress' => '@blocked\\.test$',
        },
    );

    require Kernel::System::ObjectManager;
    local $Kernel::OM = Kernel::System::ObjectManager->new();

    my %Result = (
        Seed            => $Self->{Seed},
        Runs            => $Self->{Runs},
        Commands        => 0,
        Exits           => {},
        FaultsInjected  => {},
        FaultsFired     => {},
        Changes         => {},
        RecordsChecked  => 0,
        RecordsLost     => 0,
        Lost            => [],
        FinalMismatches => [],
        Problems        => [],
    );
    $Self->{Result} = \%Result;

    # a first clean run fills OTRS
    $Self->_Round(
        Round => 0,
        Clean => 1
    );

    for my $Round ( 1 .. $Self->{Runs} ) {
        $Self->_ChangeData();
        $Self->_Round( Round => $Round );
    }

    # the final clean run, then OTRS must equal Salesforce
    $Self->_Round(
        Round => $Self->{Runs} + 1,
        Clean => 1
    );
    $Self->_FinalCheck();

    $Result{Seconds} = sprintf( '%.0f', Time::HiRes::time() - $Start ) + 0;
    delete $Self->{Fake};
    undef $Fake;
    return \%Result;
}

=head2 Summary()

The figures as text lines (for the tool and the test diagnostics).

    print SalesForceTest::Soak->Summary($Result);

=cut

sub Summary {
    my ( $Class, $Result ) = @_;

    my $Pairs = sub {
        my ($Hash) = @_;
        return join ', ', map {"$_=$Hash->{$_}"} sort keys %{$Hash};
    };
    my $Sum = sub {
        my ( $Hash, $Skip ) = @_;
        my $Total = 0;
        $Total += $Hash->{$_} for grep { !defined $Skip || $_ ne $Skip } keys %{$Hash};
        return $Total;
    };
    my @Lines = (
        "seed:              $Result->{Seed}",
        "runs:              $Result->{Runs} (+ a first and a final clean run)",
        "commands run:      $Result->{Commands}",
        'exit codes:        '
            . join( '; ', map { "$_ " . $Pairs->( $Result->{Exits}->{$_} ) } sort keys %{ $Result->{Exits} } ),
        'faults injected:   '
            . $Sum->( $Result->{FaultsInjected}, 'none' ) . ' ('
            . $Pairs->( $Result->{FaultsInjected} ) . ')',
        'faults fired:      ' . $Sum->( $Result->{FaultsFired} ) . ' (' . $Pairs->( $Result->{FaultsFired} ) . ')',
        'data changes:      ' . $Sum->( $Result->{Changes} ) . ' (' . $Pairs->( $Result->{Changes} ) . ')',
        "records checked:   $Result->{RecordsChecked}",
        "records lost:      $Result->{RecordsLost}",
        'final state:       '
            . ( $Result->{FinalCompanies} // 0 )
            . ' companies, '
            . ( $Result->{FinalCustomers} // 0 )
            . ' customer users valid; '
            . scalar( @{ $Result->{FinalMismatches} } )
            . ' mismatches',
        'seconds:           ' . ( $Result->{Seconds} // '?' ),
    );
    push @Lines,
        map {"LOST: $_"} @{ $Result->{Lost} }[ 0 .. ( $#{ $Result->{Lost} } > 19 ? 19 : $#{ $Result->{Lost} } ) ];
    push @Lines, map {"MISMATCH: $_"}
        @{ $Result->{FinalMismatches} }
        [ 0 .. ( $#{ $Result->{FinalMismatches} } > 19 ? 19 : $#{ $Result->{FinalMismatches} } ) ];
    push @Lines, map {"PROBLEM: $_"} @{ $Result->{Problems} };
    return map {"$_\n"} @Lines;
}

=head2 ShareStandIns()

Makes the in-memory DB stand-in (C<t/lib/Kernel/System/DB.pm>) of this process
share its tables with other processes through a JSON file, like one database
behind several OTRS processes: every read first loads the file when another
process changed it; every write takes an exclusive C<flock>, loads, writes and
saves, and appends one line per write to C<File.journal> (process id, operation,
table, keys), so a test can count writes across processes.

    SalesForceTest::Soak->ShareStandIns( File => "$Dir/otrs-db.json" );
    my @Writes = SalesForceTest::Soak->Journal( File => "$Dir/otrs-db.json" );

Call it in each process before the first DB access (after fork).

=cut

sub ShareStandIns {
    my ( $Class, %Param ) = @_;

    my $File = $Param{File} or die 'ShareStandIns needs File';
    require Fcntl;
    require Kernel::System::DB;

    # JSON::XS when installed: every write saves all tables
    my $JSON = ( eval { require JSON::XS; 1 } ? 'JSON::XS' : 'JSON::PP' )->new()->utf8()->canonical(1);

    my $Load = sub {
        my ( $DB, %Load ) = @_;
        my @Stat = Time::HiRes::stat($File);
        return 1 if !@Stat;
        my $Key = join ':', @Stat[ 1, 7, 9 ];    # inode (new file per write), size, mtime
        return 1 if !$Load{Force} && ( $DB->{SharedKey} // '' ) eq $Key;
        open my $FH, '<:raw', $File or die "ShareStandIns: cannot read $File: $!";    ## no critic
        local $/;
        my $Tables = $JSON->decode(<$FH>);
        close $FH;
        %{ $DB->{Tables} } = ( %{ $DB->{Tables} }, %{$Tables} );
        $DB->{SharedKey} = $Key;
        return 1;
    };
    my $Save = sub {
        my ($DB) = @_;
        open my $FH, '>:raw', "$File.$$" or die "ShareStandIns: cannot write $File.$$: $!";    ## no critic
        print {$FH} $JSON->encode( $DB->{Tables} );
        close $FH or die "ShareStandIns: cannot write $File.$$: $!";
        rename "$File.$$", $File or die "ShareStandIns: cannot rename to $File: $!";
        my @Stat = Time::HiRes::stat($File);
        $DB->{SharedKey} = join ':', @Stat[ 1, 7, 9 ];
        return 1;
    };
    my %KeyColumn = (
        customer_company       => sub { $_[0]->{customer_id} },
        customer_user          => sub { $_[0]->{login} },
        customer_user_customer => sub {"$_[0]->{user_id}>$_[0]->{customer_id}"},
        customer_preferences   => sub {"$_[0]->{user_id}>$_[0]->{preferences_key}"},
    );
    my $KeyOf = sub {
        my ( $Table, $Row ) = @_;
        my $Code = $KeyColumn{$Table} || sub {'?'};
        return $Code->($Row) // '';
    };

    no warnings 'redefine';    ## no critic
    for my $Read (qw(Prepare StandInRows)) {
        my $Original = Kernel::System::DB->can($Read);
        no strict 'refs';      ## no critic
        *{"Kernel::System::DB::$Read"} = sub {
            $Load->( $_[0] );
            return $Original->(@_);
        };
    }
    for my $Write (qw(StandInInsert StandInUpdate StandInDelete)) {
        my $Original = Kernel::System::DB->can($Write);
        no strict 'refs';      ## no critic
        *{"Kernel::System::DB::$Write"} = sub {
            my ( $DB, %Param ) = @_;
            open my $Lock, '>>', "$File.lock" or die "ShareStandIns: cannot open $File.lock: $!";    ## no critic
            flock $Lock, Fcntl::LOCK_EX() or die "ShareStandIns: flock: $!";
            $Load->( $DB, Force => 1 );
            my @Keys = $Param{Row}
                ? ( $KeyOf->( $Param{Table}, $Param{Row} ) )
                : map { $KeyOf->( $Param{Table}, $_ ) }
                grep { $Param{Where}->($_) } @{ $DB->{Tables}->{ $Param{Table} } };
            my $Success = $Original->( $DB, %Param );

            if ($Success) {
                $Save->($DB);
                open my $Journal, '>>', "$File.journal" or die "ShareStandIns: journal: $!";    ## no critic
                print {$Journal} $JSON->encode(
                    {
                        pid   => $$,
                        op    => $Write,
                        table => $Param{Table},
                        keys  => \@Keys,
                        time  => Time::HiRes::time(),
                    }
                ) . "\n";
                close $Journal;
            }
            close $Lock;
            return $Success;
        };
    }
    return 1;
}

=head2 Journal()

The writes recorded by L</ShareStandIns()>, oldest first: a list of
C<< { pid, op, table, keys => [...], time } >>.

    my @Writes = SalesForceTest::Soak->Journal( File => "$Dir/otrs-db.json" );

=cut

sub Journal {
    my ( $Class, %Param ) = @_;

    open my $FH, '<:raw', "$Param{File}.journal" or return;    ## no critic
    my $JSON   = JSON::PP->new()->utf8();
    my @Writes = map { $JSON->decode($_) } grep {m{\S}smx} <$FH>;
    close $FH;
    return @Writes;
}

# ------------------------------------------------------------------ one round

sub _Round {
    my ( $Self, %Param ) = @_;

    my $Result = $Self->{Result};
    my $Fake   = $Self->{Fake};

    for my $Command (qw(SyncCompanies SyncCustomers)) {
        $Fake->Control( { clear_faults => JSON::PP::true, reset_stats => JSON::PP::true } );

        # What Salesforce holds during this run, and what OTRS has before it.
        my $Truth  = $Self->_Truth();
        my $Before = $Self->_OTRSState();

        my $Fault = $Param{Clean} ? undef          : $Self->_PickFault();
        my $Kind  = $Fault        ? $Fault->{Kind} : 'none';
        if ( !$Param{Clean} ) {
            $Result->{FaultsInjected}->{$Kind}++;
        }
        if ($Fault) {
            $Fake->Control( $Fault->{Control} );
        }

        my ( $Exit, $Report, $Err ) = $Self->_RunCommand($Command);
        $Result->{Commands}++;
        $Result->{Exits}->{$Command}->{$Exit}++;

        my $Stats = $Fake->Stats();
        for my $Fired ( sort keys %{ $Stats->{faults} || {} } ) {
            $Result->{FaultsFired}->{$Fired} += $Stats->{faults}->{$Fired};
        }
        if ( $Fault && $Fault->{Undo} ) {
            $Fake->Control( $Fault->{Undo} );
        }
        $Fake->Control( { clear_faults => JSON::PP::true } );

        my $Where = "round $Param{Round} $Command (fault $Kind, exit $Exit)";
        $Self->{Log}->( "$Where" . ( $Exit ? ': ' . ( $Report->{message} // $Err // '' ) : '' ) );

        if ( $Param{Clean} && $Exit != 0 ) {
            push @{ $Result->{Problems} }, "$Where: a run without faults did not succeed: " . ( $Err // '' );
        }
        if ( $Exit == 1 ) {
            push @{ $Result->{Problems} },
                "$Where: records failed: " . JSON::PP->new()->canonical(1)->encode( $Report->{failed} || [] );
        }

        # The test's self-check breaks OTRS here, to see that the checks notice.
        if ( $Self->{Sabotage} && !$Param{Clean} ) {
            $Self->{Sabotage}->($Command);
        }

        # The loss check: what was valid and Salesforce still has must stay valid.
        my $After = $Self->_OTRSState();

        # A run that could not read Salesforce must not have changed anything.
        if ( $Exit eq '3' ) {
            my $JSON = JSON::PP->new()->canonical(1);
            if ( $JSON->encode($Before) ne $JSON->encode($After) ) {
                push @{ $Result->{Problems} }, "$Where: Salesforce could not be read, but OTRS was changed";
            }
        }
        my ( $Table, $Expected ) = $Command eq 'SyncCompanies'
            ? ( 'Companies', $Truth->{Companies} )
            : ( 'Customers', $Truth->{Customers} );
        for my $ID ( sort keys %{ $Before->{$Table} } ) {
            next if $Before->{$Table}->{$ID}->{valid_id} ne '1';
            next if !$Expected->{$ID};
            $Result->{RecordsChecked}++;
            my $Now = $After->{$Table}->{$ID};
            if ( !$Now || $Now->{valid_id} ne '1' ) {
                $Result->{RecordsLost}++;
                push @{ $Result->{Lost} },
                    "$Where: $Table $ID " . ( $Now ? "set to valid_id $Now->{valid_id}" : 'deleted' );
            }
        }
    }
    return 1;
}

sub _RunCommand {
    my ( $Self, $Command ) = @_;

    # every run as in a new process: a new client that signs in
    $Kernel::OM->ObjectsDiscard(
        Objects => [ 'Kernel::System::SalesForce', 'Kernel::System::SalesForce::Sync' ]
    );
    my ( $Exit, $Report, undef, $Err ) = SalesForceTest::Sync->RunCommand(
        Command   => $Command,
        Arguments => ['--json'],
    );
    return ( $Exit // 'undef', $Report || {}, $Err );
}

# ------------------------------------------------------------------ faults

sub _PickFault {
    my ( $Self, %Param ) = @_;

    return if rand() < 0.2;    # a fifth of the runs have no fault

    my $Kind = $FaultKinds[ int rand @FaultKinds ];
    if ( $Kind eq 'login_refused' ) {
        return {
            Kind    => $Kind,
            Control => { login_refused => JSON::PP::true },
            Undo    => { login_refused => JSON::PP::false },
        };
    }

    my %Rule = ( fault => $Kind );
    my @On
        = $Kind eq 'invalid_login'
        ? ('login')
        : $Kind eq 'invalid_locator' ? ('queryMore')
        :                              qw(any login query queryMore);
    $Rule{on} = $On[ int rand @On ];
    if ( $Rule{on} eq 'any' ) {
        delete $Rule{on};
    }
    my $Roll = rand();
    if ( $Roll < 0.25 ) {
        $Rule{always} = JSON::PP::true;    # a fault that does not go away
    }
    else {
        $Rule{count} = 1 + int rand 2;     # one or two, the retries may get through
    }
    if ( ( $Rule{on} // '' ) =~ m{\Aquery}smx && rand() < 0.5 ) {
        $Rule{page} = $Rule{on} eq 'query' ? 1 : 2 + int rand 2;
    }
    elsif ( rand() < 0.3 ) {
        $Rule{nth} = 2 + int rand 3;
    }
    $Rule{retry_after} = 1   if $Kind eq 'http503';
    $Rule{ms}          = 300 if $Kind eq 'latency';
    $Rule{ms}          = 2   if $Kind eq 'slow';
    return {
        Kind    => $Kind,
        Control => \%Rule,
    };
}

# ------------------------------------------------------------------ Salesforce data changes

sub _ChangeData {
    my ( $Self, %Param ) = @_;

    my $Fake   = $Self->{Fake};
    my $Result = $Self->{Result};
    my $Truth  = $Self->_Truth();

    my @Accounts = sort grep { $Truth->{Accounts}->{$_}->{Name} !~ m{\A\*}smx } keys %{ $Truth->{Accounts} };
    my @People   = sort keys %{ $Truth->{Users} };
    my @Owners   = sort keys %{ $Truth->{Customers} };
    $Self->{Removed}        ||= [];
    $Self->{RemovedPersons} ||= [];

    my $Pick    = sub { return $_[ int rand @_ ] };
    my $Changes = 1 + int rand 4;
    CHANGE:
    for ( 1 .. $Changes ) {
        my $Kind = $ChangeKinds[ int rand @ChangeKinds ];
        my $N    = ++$Self->{Counter};
        my %Data;
        if ( $Kind eq 'account_add' ) {
            %Data = (
                create => [
                    {
                        type        => 'Account',
                        Name        => "Soak Account $N",
                        BillingCity => "Soak City $N",
                        OwnerId     => $Pick->(@Owners),
                    }
                ]
            );
        }
        elsif ( $Kind eq 'account_rename' ) {
            %Data = ( update => [ { Id => $Pick->(@Accounts), Name => "Renamed Account $N" } ] );
        }
        elsif ( $Kind eq 'account_field' ) {
            %Data = ( update => [ { Id => $Pick->(@Accounts), BillingCity => "Moved City $N" } ] );
        }
        elsif ( $Kind eq 'account_remove' ) {
            my $ID = $Pick->(@Accounts);
            push @{ $Self->{Removed} }, $ID;
            %Data = ( delete => [$ID] );
        }
        elsif ( $Kind eq 'account_restore' ) {
            next CHANGE if !@{ $Self->{Removed} };
            my $ID = splice @{ $Self->{Removed} }, int rand @{ $Self->{Removed} }, 1;
            %Data = ( undelete => [$ID] );
        }
        elsif ( $Kind eq 'account_owner' ) {
            %Data = ( update => [ { Id => $Pick->(@Accounts), OwnerId => $Pick->(@People) } ] );
        }
        elsif ( $Kind eq 'person_add' ) {
            my $Answer = $Fake->Data(
                {
                    create => [
                        {
                            type      => 'User',
                            Username  => "soak.person$N\@example.com",
                            FirstName => 'Soak',
                            LastName  => "Person $N",
                            Email     => "soak.person$N\@example.com",
                            Alias     => "soak$N",
                        }
                    ]
                }
            );
            my ($UserID) = @{ $Answer->{created} || [] };
            next CHANGE if !$UserID;
            %Data = ( update => [ { Id => $Pick->(@Accounts), OwnerId => $UserID } ] );
        }
        elsif ( $Kind eq 'person_rename' ) {
            %Data = ( update => [ { Id => $Pick->(@People), LastName => "Renamed Person $N" } ] );
        }
        elsif ( $Kind eq 'person_field' ) {
            %Data = ( update => [ { Id => $Pick->(@People), Email => "changed$N\@example.org" } ] );
        }
        elsif ( $Kind eq 'person_remove' ) {

            # the person leaves: all their Accounts go to someone else
            next CHANGE if @Owners < 2;
            my $Leaving = $Pick->(@Owners);
            my @Others  = grep { $_ ne $Leaving } @Owners;
            my @Owned   = grep { $Truth->{Accounts}->{$_}->{OwnerId} eq $Leaving } sort keys %{ $Truth->{Accounts} };
            next CHANGE if !@Owned;
            push @{ $Self->{RemovedPersons} }, $Leaving;
            %Data   = ( update => [ map { { Id => $_, OwnerId => $Pick->(@Others) } } @Owned ] );
            @Owners = @Others;
        }
        elsif ( $Kind eq 'person_restore' ) {
            next CHANGE if !@{ $Self->{RemovedPersons} };
            my $Back = splice @{ $Self->{RemovedPersons} }, int rand @{ $Self->{RemovedPersons} }, 1;
            %Data = ( update => [ { Id => $Pick->(@Accounts), OwnerId => $Back } ] );
        }
        my $Answer = eval { $Fake->Data( \%Data ) };
        if ( !$Answer ) {
            push @{ $Self->{Result}->{Problems} }, "data change $Kind failed: $@";
            next CHANGE;
        }
        $Result->{Changes}->{$Kind}++;
    }
    return 1;
}

# ------------------------------------------------------------------ what Salesforce holds (REST, independent)

sub _Truth {
    my ( $Self, %Param ) = @_;

    my %Accounts = map { $_->{Id} => $_ } @{ $Self->_RESTQuery('SELECT Id, Name, BillingCity, OwnerId FROM Account') };
    my %Users    = map { $_->{Id} => $_ } @{ $Self->_RESTQuery('SELECT Id, FirstName, LastName, Email FROM User') };

    my %Companies;
    my %Customers;
    for my $Account ( values %Accounts ) {
        next if $Account->{Name} =~ m{\A\*}smx;    # ValidData: names with * are skipped
        push @{ $Customers{ $Account->{OwnerId} } }, $Account->{Id};

        # NameFormat "{Name} ({Id})"; the OTRS column holds 200 characters, longer
        # names are skipped with a reason (not truncated)
        next if length("$Account->{Name} ($Account->{Id})") > 200;
        $Companies{ $Account->{Id} } = $Account;
    }
    return {
        Accounts  => \%Accounts,
        Users     => \%Users,
        Companies => \%Companies,
        Customers => \%Customers,
    };
}

sub _HTTP {
    my ( $Self, %Param ) = @_;

    return HTTP::Tiny->new(
        timeout     => 30,
        verify_SSL  => 1,
        SSL_options => { SSL_ca_file => $Self->{Fake}->{Info}->{ca_file} },
    );
}

sub _Token {
    my ( $Self, %Param ) = @_;

    my $Info     = $Self->{Fake}->{Info};
    my $Response = $Self->_HTTP()->post_form(
        $Info->{token_url},
        {
            grant_type    => 'password',
            client_id     => $Info->{client_id},
            client_secret => $Info->{client_secret},
            username      => $Info->{username},
            password      => $Info->{password} . $Info->{security_token},
        }
    );
    die "soak: the fake's token endpoint refused the oracle: $Response->{status}\n" if !$Response->{success};
    return JSON::PP->new()->decode( $Response->{content} )->{access_token};
}

sub _RESTQuery {
    my ( $Self, $SOQL ) = @_;

    my $Info = $Self->{Fake}->{Info};
    my $Base = $Info->{instance_url};
    my $URL  = "$Base/services/data/v$Info->{api_version}/query?q=" . _Escape($SOQL);
    my @Records;
    my $Tries = 0;
    while ($URL) {
        $Self->{Token} ||= $Self->_Token();
        my $Response = $Self->_HTTP()->get( $URL, { headers => { Authorization => "Bearer $Self->{Token}" } } );
        if ( $Response->{status} == 401 && $Tries++ < 2 ) {
            delete $Self->{Token};
            next;
        }
        die "soak: REST query failed: $Response->{status} $Response->{content}\n" if !$Response->{success};
        my $Page = JSON::PP->new()->utf8()->decode( $Response->{content} );
        push @Records, map {
            my %R = %{$_};
            delete $R{attributes};
            \%R
        } @{ $Page->{records} || [] };
        $URL = $Page->{done} ? undef : $Base . $Page->{nextRecordsUrl};
    }
    return \@Records;
}

sub _Escape {
    my ($Text) = @_;
    $Text =~ s{([^A-Za-z0-9\-._~])}{sprintf '%%%02X', ord $1}smxge;
    return $Text;
}

# ------------------------------------------------------------------ OTRS state (the stand-ins)

sub _OTRSState {
    my ( $Self, %Param ) = @_;

    my $DBObject  = $Kernel::OM->Get('Kernel::System::DB');
    my %Companies = map { $_->{customer_id} => {%$_} } @{ $DBObject->StandInRows('customer_company') };
    my %Customers = map { $_->{login}       => {%$_} } @{ $DBObject->StandInRows('customer_user') };
    my %Members;
    for my $Row ( @{ $DBObject->StandInRows('customer_user_customer') } ) {
        push @{ $Members{ $Row->{user_id} } }, $Row->{customer_id};
    }
    return {
        Companies => \%Companies,
        Customers => \%Customers,
        Members   => \%Members,
    };
}

sub _FinalCheck {
    my ( $Self, %Param ) = @_;

    my $Result = $Self->{Result};
    my $Truth  = $Self->_Truth();
    my $State  = $Self->_OTRSState();
    my @Wrong;

    # companies: every Account Salesforce has is there, valid, with its values
    for my $ID ( sort keys %{ $Truth->{Companies} } ) {
        my $Account = $Truth->{Companies}->{$ID};
        my $Company = $State->{Companies}->{$ID};
        $Result->{RecordsChecked}++;
        if ( !$Company ) {
            push @Wrong, "company $ID missing";
            next;
        }
        push @Wrong, "company $ID valid_id $Company->{valid_id}" if $Company->{valid_id} ne '1';
        my $Name = "$Account->{Name} ($ID)";
        push @Wrong, "company $ID name '$Company->{name}', Salesforce '$Name'" if $Company->{name} ne $Name;
        my $City = $Account->{BillingCity} // '';
        push @Wrong, "company $ID city '" . ( $Company->{city} // '' ) . "', Salesforce '$City'"
            if ( $Company->{city} // '' ) ne $City;
    }

    # and every synced company that Salesforce no longer has is invalid
    for my $ID ( sort keys %{ $State->{Companies} } ) {
        next if $Truth->{Companies}->{$ID};
        $Result->{RecordsChecked}++;
        push @Wrong, "company $ID is valid but Salesforce no longer has it"
            if $State->{Companies}->{$ID}->{valid_id} eq '1';
    }

    # customer users: every owner of a synced Account, valid, with their Accounts
    for my $ID ( sort keys %{ $Truth->{Customers} } ) {
        my $Person = $Truth->{Users}->{$ID} || {};
        my $User   = $State->{Customers}->{$ID};
        $Result->{RecordsChecked}++;
        if ( !$User ) {
            push @Wrong, "customer user $ID missing";
            next;
        }
        push @Wrong, "customer user $ID valid_id $User->{valid_id}" if $User->{valid_id} ne '1';
        for my $Field ( [ 'last_name', 'LastName' ], [ 'email', 'Email' ] ) {
            my ( $Column, $SFField ) = @{$Field};
            my $Want = $Person->{$SFField} // '';
            my $Have = $User->{$Column}    // '';
            push @Wrong, "customer user $ID $Column '$Have', Salesforce '$Want'" if lc $Have ne lc $Want;
        }
        my $Want = join ',', sort @{ $Truth->{Customers}->{$ID} };
        my $Have = join ',', sort grep { $_ ne ( $User->{customer_id} // '' ) } @{ $State->{Members}->{$ID} || [] };
        push @Wrong, "customer user $ID member of [$Have], owns [$Want]" if $Have ne $Want;
    }
    for my $ID ( sort keys %{ $State->{Customers} } ) {
        next if $Truth->{Customers}->{$ID};
        $Result->{RecordsChecked}++;
        push @Wrong, "customer user $ID is valid but owns no synced Account"
            if $State->{Customers}->{$ID}->{valid_id} eq '1';
    }

    $Result->{FinalMismatches} = \@Wrong;
    $Result->{FinalCompanies}  = scalar grep { $_->{valid_id} eq '1' } values %{ $State->{Companies} };
    $Result->{FinalCustomers}  = scalar grep { $_->{valid_id} eq '1' } values %{ $State->{Customers} };
    return 1;
}

1;
