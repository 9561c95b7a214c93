package io.hyperai.execution;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.hyperai.execution.runtime.Launch;
import io.hyperai.execution.runtime.LaunchConverter;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One run of a gear, with everything it was started with. */
@Entity
@Table(name = "execution")
public class Execution extends PanacheEntityBase {

    public enum Mode {
        SCRIPT, JUPYTER
    }

    @Id
    public UUID id;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "gear_id")
    public String gearId;
    @Enumerated(EnumType.STRING)
    public Mode mode;
    @Enumerated(EnumType.STRING)
    public ExecutionState state;
    public String reason;
    @Column(name = "exit_code")
    public Integer exitCode;
    @Column(name = "entry_command")
    public String entryCommand;
    @Column(name = "code_id")
    public String codeId;
    @Column(name = "continued_from")
    public UUID continuedFrom;
    @Column(name = "compute_spec_id")
    public String computeSpecId;
    @Column(name = "price_per_hour_minor")
    public long pricePerHourMinor;
    public String currency;
    @Convert(converter = LaunchConverter.class)
    public Launch launch;
    @Column(name = "pod_name")
    public String podName;
    @Column(name = "jupyter_token")
    public String jupyterToken;
    @Column(name = "stop_requested")
    public boolean stopRequested;
    @Column(name = "workdir_bytes")
    public Long workdirBytes;
    /** When the owner deleted the saved working directory; null while it is kept. */
    @Column(name = "workdir_deleted_at")
    public Instant workdirDeletedAt;
    /** Stopped with reason DEADLINE this long after it started running; null: no limit. */
    @Column(name = "max_runtime_seconds")
    public Integer maxRuntimeSeconds;
    /** A workspace's idle policy: warned after this long without use; null: never. */
    @Column(name = "idle_warn_after_seconds")
    public Integer idleWarnAfterSeconds;
    /** A workspace's idle policy: stopped (reason IDLE, home saved) after this long without use; null: never. */
    @Column(name = "idle_stop_after_seconds")
    public Integer idleStopAfterSeconds;
    /** The start of the idle period its warning was given for (a new period after use is warned again). */
    @Column(name = "idle_warned_for")
    public Instant idleWarnedFor;
    /** The last request through the workspace proxy, of whichever instance (saved every few seconds). */
    @Column(name = "proxied_at")
    public Instant proxiedAt;
    /** Stopped with reason SPENDING_CAP when billing says its cost reached this; null: no cap of its own. */
    @Column(name = "max_cost_minor")
    public Long maxCostMinor;
    @Column(name = "created_at")
    public Instant createdAt;
    /** When it was given to the runtime (its pool had room); null while it waits in the queue. */
    @Column(name = "dispatched_at")
    public Instant dispatchedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
