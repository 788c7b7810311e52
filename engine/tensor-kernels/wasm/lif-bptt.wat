;; Fused LIF layer over T steps for tensor mode (engine/tensor-kernels/fused-lif.ts): the forward pass
;; and its surrogate-gradient backward pass (BPTT), f32 SIMD, four neurons per lane group.
;;
;; Layout: every per-step array is [T][M] f32 with M (= batch · neurons, padded by the caller to a
;; multiple of 4) contiguous per step; state arrays are [M]. All pointers are byte offsets into the
;; memory, 16-byte aligned. Equations, per step n (u = v − vRest; learning/tensor/lif-tensor.ts,
;; whose op order is kept so spikes are bit-identical):
;;   current: u' = (I·k + u·eM) + c,  I ← I·eS;   delta: u' = u·eM + c
;;   with a floor: u' ← (u' < uMin) ? uMin : u'  (tfjs's maximum(u', uMin), −0 and NaN alike)
;;   V[n] = u';  s = H(u' − θ)  (H(z) = 1 for z > 0; s = 0 when not spiking)
;;   current: I ← I + x[n];   delta: u' ← u' + x[n]
;;   u ← u'·(1 − s) + s·uReset (no reset when not spiking)
;; The adds of c and of s·uReset are skipped when those are 0, as the op-by-op path skips them:
;; this keeps even the sign of zero identical.
(module
  ;; The memory is the caller's, so the input product and the LIF kernel can share their arrays
  ;; (fused-dense-lif.ts).
  (import "env" "memory" (memory 1))

  ;; Forward. u and syn hold the initial state on entry and the final state on exit.
  ;; Writes spikes s[T][M] (when spiking) and V[T][M] (u' at each threshold test); with a floor
  ;; (hasMin), keep[T][M] = 1 where u' ≥ uMin before the floor (the gradient passes), else 0.
  (func (export "forward")
    (param $T i32) (param $M i32) (param $x i32) (param $u i32) (param $syn i32) (param $s i32) (param $v i32)
    (param $eM f32) (param $k f32) (param $eS f32) (param $c f32) (param $th f32) (param $uR f32)
    (param $delta i32) (param $spiking i32)
    (param $hasMin i32) (param $uMin f32) (param $keep i32)
    (local $vmin v128)
    (local $n i32) (local $i i32) (local $bytes i32) (local $base i32)
    (local $vu v128) (local $vsyn v128) (local $vp v128) (local $xv v128)
    (local $veM v128) (local $vk v128) (local $veS v128) (local $vc v128) (local $vth v128) (local $vuR v128)
    (local $one v128) (local $zero v128) (local $sv v128) (local $hasC i32) (local $hasR i32)
    (local.set $hasC (f32.ne (local.get $c) (f32.const 0)))
    (local.set $hasR (f32.ne (local.get $uR) (f32.const 0)))
    (local.set $veM (f32x4.splat (local.get $eM)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $veS (f32x4.splat (local.get $eS)))
    (local.set $vc (f32x4.splat (local.get $c)))
    (local.set $vth (f32x4.splat (local.get $th)))
    (local.set $vuR (f32x4.splat (local.get $uR)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $vmin (f32x4.splat (local.get $uMin)))
    (local.set $bytes (i32.shl (local.get $M) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $doneT
      (loop $steps
        (br_if $doneT (i32.ge_u (local.get $n) (local.get $T)))
        (local.set $base (i32.mul (local.get $n) (local.get $bytes)))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $lanes
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $vu (v128.load (i32.add (local.get $u) (local.get $i))))
            (if (local.get $delta)
              (then
                (local.set $vp (f32x4.mul (local.get $vu) (local.get $veM))))
              (else
                (local.set $vsyn (v128.load (i32.add (local.get $syn) (local.get $i))))
                (local.set $vp
                  (f32x4.add (f32x4.mul (local.get $vsyn) (local.get $vk)) (f32x4.mul (local.get $vu) (local.get $veM))))
                (local.set $vsyn (f32x4.mul (local.get $vsyn) (local.get $veS)))))
            (if (local.get $hasC) (then (local.set $vp (f32x4.add (local.get $vp) (local.get $vc)))))
            (if (local.get $hasMin)
              (then
                (v128.store (i32.add (local.get $keep) (i32.add (local.get $base) (local.get $i)))
                  (v128.and (f32x4.ge (local.get $vp) (local.get $vmin)) (local.get $one)))
                (local.set $vp (v128.bitselect (local.get $vmin) (local.get $vp) (f32x4.lt (local.get $vp) (local.get $vmin))))))
            (v128.store (i32.add (local.get $v) (i32.add (local.get $base) (local.get $i))) (local.get $vp))
            (local.set $xv (v128.load (i32.add (local.get $x) (i32.add (local.get $base) (local.get $i)))))
            (if (local.get $spiking)
              (then
                (local.set $sv (v128.and (f32x4.gt (f32x4.sub (local.get $vp) (local.get $vth)) (local.get $zero)) (local.get $one)))
                (v128.store (i32.add (local.get $s) (i32.add (local.get $base) (local.get $i))) (local.get $sv))))
            (if (local.get $delta)
              (then (local.set $vp (f32x4.add (local.get $vp) (local.get $xv))))
              (else (v128.store (i32.add (local.get $syn) (local.get $i)) (f32x4.add (local.get $vsyn) (local.get $xv)))))
            (if (local.get $spiking)
              (then
                (local.set $vp (f32x4.mul (local.get $vp) (f32x4.sub (local.get $one) (local.get $sv))))
                (if (local.get $hasR) (then (local.set $vp (f32x4.add (local.get $vp) (f32x4.mul (local.get $sv) (local.get $vuR))))))))
            (v128.store (i32.add (local.get $u) (local.get $i)) (local.get $vp))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $lanes)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $steps)))
  )

  ;; Backward (reverse time). Inputs: x and V of the forward pass (x is read only for a delta synapse
  ;; with the reset attached), ψ(V − θ), dS[T][M] and dV[T][M] (the loss gradients on the spikes and
  ;; on V; dV is read only when hasDV). gu and syn-gradient gi are [M] scratch arrays the caller zeroes
  ;; (the final state carries no gradient). Writes dx[T][M] = ∂L/∂x. detach: the reset does not pass
  ;; gradient through s. hasMin: the forward pass's keep[T][M] gates the gradient through the floor.
  ;; ψ: psiKind 0 reads psi[T][M]; 1 computes fast-sigmoid 1/(1 + β|z|)², 2 triangle max(0, 1 − β|z|),
  ;; z = V − θ, with the f32 operations of the surrogate's tensor op in the same order.
  (func (export "backward")
    (param $T i32) (param $M i32) (param $x i32) (param $v i32) (param $psi i32) (param $dS i32) (param $dV i32)
    (param $dx i32) (param $gu i32) (param $gi i32)
    (param $eM f32) (param $k f32) (param $eS f32) (param $th f32) (param $uR f32)
    (param $delta i32) (param $spiking i32) (param $detach i32)
    (param $psiKind i32) (param $beta f32) (param $hasDV i32) (param $hasMin i32) (param $keep i32)
    (local $vbeta v128) (local $one v128) (local $z v128) (local $ps v128)
    (local $n i32) (local $i i32) (local $bytes i32) (local $base i32) (local $at i32)
    (local $guO v128) (local $giO v128) (local $vp v128) (local $mask v128) (local $gup v128) (local $gs v128)
    (local $veM v128) (local $vk v128) (local $veS v128) (local $vth v128) (local $vuR v128) (local $zero v128)
    (local.set $veM (f32x4.splat (local.get $eM)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $veS (f32x4.splat (local.get $eS)))
    (local.set $vth (f32x4.splat (local.get $th)))
    (local.set $vuR (f32x4.splat (local.get $uR)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $vbeta (f32x4.splat (local.get $beta)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $bytes (i32.shl (local.get $M) (i32.const 2)))
    (local.set $n (local.get $T))
    (block $doneT
      (loop $steps
        (br_if $doneT (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $base (i32.mul (local.get $n) (local.get $bytes)))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $lanes
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $at (i32.add (local.get $base) (local.get $i)))
            (local.set $guO (v128.load (i32.add (local.get $gu) (local.get $i))))
            (local.set $vp (v128.load (i32.add (local.get $v) (local.get $at))))
            (if (local.get $spiking)
              (then
                (local.set $mask (f32x4.gt (f32x4.sub (local.get $vp) (local.get $vth)) (local.get $zero)))
                ;; through the reset's (1 − s): nothing passes where the neuron fired
                (local.set $gup (v128.bitselect (local.get $zero) (local.get $guO) (local.get $mask)))
                (local.set $gs (v128.load (i32.add (local.get $dS) (local.get $at))))
                (if (i32.eqz (local.get $detach))
                  (then
                    (if (local.get $delta)
                      ;; the reset acts on u' + x[n]
                      (then (local.set $vp (f32x4.add (local.get $vp) (v128.load (i32.add (local.get $x) (local.get $at)))))))
                    (local.set $gs (f32x4.add (local.get $gs)
                      (f32x4.mul (local.get $guO) (f32x4.sub (local.get $vuR) (local.get $vp)))))))
                (if (local.get $delta)
                  (then (v128.store (i32.add (local.get $dx) (local.get $at)) (local.get $gup))))
                (if (i32.eqz (local.get $psiKind))
                  (then (local.set $ps (v128.load (i32.add (local.get $psi) (local.get $at)))))
                  (else
                    ;; V is re-read: with the reset attached, $vp above became u' + x[n]
                    (local.set $z (f32x4.abs (f32x4.sub (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $vth))))
                    (if (i32.eq (local.get $psiKind) (i32.const 1))
                      (then
                        (local.set $z (f32x4.add (local.get $one) (f32x4.mul (local.get $vbeta) (local.get $z))))
                        (local.set $ps (f32x4.div (local.get $one) (f32x4.mul (local.get $z) (local.get $z)))))
                      (else
                        (local.set $ps (f32x4.max (f32x4.sub (local.get $one) (f32x4.mul (local.get $vbeta) (local.get $z))) (local.get $zero)))))))
                (local.set $gup (f32x4.add (local.get $gup) (f32x4.mul (local.get $gs) (local.get $ps)))))
              (else
                (local.set $gup (local.get $guO))
                (if (local.get $delta)
                  (then (v128.store (i32.add (local.get $dx) (local.get $at)) (local.get $gup))))))
            (if (local.get $hasDV)
              (then (local.set $gup (f32x4.add (local.get $gup) (v128.load (i32.add (local.get $dV) (local.get $at)))))))
            (if (local.get $hasMin)
              (then (local.set $gup (f32x4.mul (local.get $gup) (v128.load (i32.add (local.get $keep) (local.get $at)))))))
            (v128.store (i32.add (local.get $gu) (local.get $i)) (f32x4.mul (local.get $gup) (local.get $veM)))
            (if (i32.eqz (local.get $delta))
              (then
                (local.set $giO (v128.load (i32.add (local.get $gi) (local.get $i))))
                (v128.store (i32.add (local.get $dx) (local.get $at)) (local.get $giO))
                (v128.store (i32.add (local.get $gi) (local.get $i))
                  (f32x4.add (f32x4.mul (local.get $gup) (local.get $vk)) (f32x4.mul (local.get $giO) (local.get $veS))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $lanes)))
        (br $steps)))
  )
)
